// Per-member token bucket: a burst of `perMinute` questions, then one more every 60/perMinute seconds.

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  take(key: string): RateDecision;
}

export interface RateLimiterOptions {
  perMinute: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A full bucket is the same as no bucket, so only members who asked recently take memory. */
const SWEEP_ABOVE = 10_000;

export function createRateLimiter({ perMinute, now = Date.now }: RateLimiterOptions): RateLimiter {
  if (!(perMinute >= 1)) throw new RangeError("perMinute must be at least 1");
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  const refill = (bucket: Bucket, t: number) => Math.min(perMinute, bucket.tokens + (t - bucket.at) * perMs);

  return {
    take(key) {
      const t = now();
      if (buckets.size > SWEEP_ABOVE) {
        for (const [k, b] of buckets) if (refill(b, t) >= perMinute) buckets.delete(k);
      }
      const bucket = buckets.get(key) ?? { tokens: perMinute, at: t };
      const tokens = refill(bucket, t);
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at: t });
        return { allowed: true };
      }
      buckets.set(key, { tokens, at: t });
      return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
    },
  };
}
