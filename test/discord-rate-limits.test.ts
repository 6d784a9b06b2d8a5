import { describe, expect, it } from "vitest";
import { admitQuestion } from "../src/discord/answer-question.js";
import { createConcurrencyLimit } from "../src/discord/concurrency-limit.js";
import { createRateLimiter } from "../src/discord/rate-limiter.js";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("createRateLimiter", () => {
  it("GIVEN 6 a minute THEN allows a burst of 6, refuses the 7th and says when a token returns", () => {
    const c = clock();
    const limiter = createRateLimiter({ perMinute: 6, now: c.now });
    for (let i = 0; i < 6; i++) expect(limiter.take("alice")).toEqual({ allowed: true });
    expect(limiter.take("alice")).toEqual({ allowed: false, retryAfterMs: 10_000 });
    c.advance(4_000);
    expect(limiter.take("alice")).toEqual({ allowed: false, retryAfterMs: 6_000 });
    c.advance(6_000);
    expect(limiter.take("alice")).toEqual({ allowed: true });
    expect(limiter.take("alice").allowed).toBe(false);
  });

  it("GIVEN two members THEN each has a bucket of their own", () => {
    const limiter = createRateLimiter({ perMinute: 1, now: clock().now });
    expect(limiter.take("alice").allowed).toBe(true);
    expect(limiter.take("alice").allowed).toBe(false);
    expect(limiter.take("bob").allowed).toBe(true);
  });

  it("GIVEN a long pause THEN the bucket refills only to its size", () => {
    const c = clock();
    const limiter = createRateLimiter({ perMinute: 2, now: c.now });
    limiter.take("a");
    c.advance(60 * 60_000);
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")].map((d) => d.allowed)).toEqual([true, true, false]);
  });
});

describe("admitQuestion", () => {
  const settings = { rateLimitPerMinute: 1, messageContentIntent: false, logQuestions: false };

  it("GIVEN an over-long question THEN refuses naming the limit, without using a token", () => {
    const c = clock();
    const context = { settings, rateLimiter: createRateLimiter({ perMinute: 1, now: c.now }), now: c.now };
    expect(admitQuestion("x".repeat(1001), "u", context).refusal).toMatch(/1001 characters.*limit is 1000/);
    expect(admitQuestion("A fair question?", "u", context)).toEqual({ question: "A fair question?" });
  });

  it("GIVEN a member over the rate THEN says when to try again, in seconds and as a Discord timestamp", () => {
    const c = clock(1_700_000_000_000);
    const context = { settings, rateLimiter: createRateLimiter({ perMinute: 1, now: c.now }), now: c.now };
    expect(admitQuestion("First?", "u", context).refusal).toBeUndefined();
    expect(admitQuestion("Second?", "u", context).refusal).toBe("You can ask 1 question a minute. Try again in 60 s (<t:1700000060:R>).");
  });

  it("GIVEN control and zero-width characters THEN admits the words alone; nothing but them is refused", () => {
    const context = { settings, rateLimiter: createRateLimiter({ perMinute: 5 }), now: Date.now };
    expect(admitQuestion("  What\u200b did\u0000 Russia\t\tsay?\u0007 ", "u", context)).toEqual({ question: "What did Russia say?" });
    expect(admitQuestion(" \u200b\u0007 ", "u", context).refusal).toMatch(/empty/);
  });
});

describe("createConcurrencyLimit", () => {
  it("GIVEN more tasks than slots THEN runs at most max at once and the rest in arrival order", async () => {
    const limit = createConcurrencyLimit(2);
    const started: number[] = [];
    const releases: Array<() => void> = [];
    let peak = 0;
    const tasks = Array.from({ length: 5 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        peak = Math.max(peak, limit.active);
        await new Promise<void>((resolve) => releases.push(resolve));
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(limit.queued).toBe(3);
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(limit.active).toBe(0);
  });

  it("GIVEN a failing task THEN frees its slot for the next", async () => {
    const limit = createConcurrencyLimit(1);
    const failed = limit.run(async () => {
      throw new Error("boom");
    });
    const next = limit.run(async () => "ran");
    await expect(failed).rejects.toThrow("boom");
    expect(await next).toBe("ran");
  });
});
