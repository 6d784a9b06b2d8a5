// A small in-memory map that forgets: the oldest entries beyond `maxEntries`, and any idle past `ttlMs`.

export interface BoundedCache<V> {
  get(key: string): V | undefined;
  /** Stores (or replaces) a value and counts as use. */
  set(key: string, value: V): void;
  delete(key: string): void;
  readonly size: number;
}

export interface BoundedCacheOptions {
  maxEntries: number;
  ttlMs: number;
  now?: () => number;
}

export function createBoundedCache<V>({ maxEntries, ttlMs, now = Date.now }: BoundedCacheOptions): BoundedCache<V> {
  // A Map iterates in insertion order; re-inserting on use keeps the least recently used first.
  const entries = new Map<string, { value: V; at: number }>();
  const expired = (at: number) => now() - at > ttlMs;
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (expired(entry.at)) {
        entries.delete(key);
        return undefined;
      }
      entries.delete(key);
      entries.set(key, { value: entry.value, at: now() });
      return entry.value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, { value, at: now() });
      for (const [k, entry] of entries) {
        if (entries.size <= maxEntries && !expired(entry.at)) break;
        entries.delete(k);
      }
    },
    delete(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
