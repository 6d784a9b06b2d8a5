import { describe, expect, it } from "vitest";
import type { Turn } from "../src/core/ports.js";
import { createBoundedCache } from "../src/discord/bounded-cache.js";
import { createConversationMemory } from "../src/discord/conversation-memory.js";

const turn = (question: string): Turn => ({ question, answer: { question, text: "", abstained: true, citations: [], nearest: [] } });

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("createConversationMemory", () => {
  it("GIVEN more turns than it keeps THEN remembers the last ones, oldest first", () => {
    const memory = createConversationMemory({ maxTurns: 3 });
    for (const q of ["q1", "q2", "q3", "q4", "q5"]) memory.append("thread", turn(q));
    expect(memory.history("thread").map((t) => t.question)).toEqual(["q3", "q4", "q5"]);
    expect(memory.history("another")).toEqual([]);
  });

  it("GIVEN a thread quiet for longer than the TTL THEN forgets it; activity keeps it alive", () => {
    const c = clock();
    const memory = createConversationMemory({ ttlMs: 1000, now: c.now });
    memory.append("quiet", turn("a"));
    memory.append("busy", turn("b"));
    c.advance(800);
    memory.append("busy", turn("c"));
    c.advance(800);
    expect(memory.history("quiet")).toEqual([]);
    expect(memory.history("busy").map((t) => t.question)).toEqual(["b", "c"]);
  });

  it("GIVEN more threads than it keeps THEN drops the least recently used", () => {
    const memory = createConversationMemory({ maxThreads: 2 });
    memory.append("t1", turn("a"));
    memory.append("t2", turn("b"));
    memory.history("t1");
    memory.append("t3", turn("c"));
    expect(memory.history("t2")).toEqual([]);
    expect(memory.history("t1")).toHaveLength(1);
    expect(memory.history("t3")).toHaveLength(1);
  });

  it("GIVEN a returned history THEN changing it does not change the memory", () => {
    const memory = createConversationMemory();
    memory.append("t", turn("a"));
    memory.history("t").push(turn("b"));
    expect(memory.history("t")).toHaveLength(1);
  });
});

describe("createBoundedCache", () => {
  it("GIVEN entries past their TTL THEN they are gone and the size shrinks on the next write", () => {
    const c = clock();
    const cache = createBoundedCache<number>({ maxEntries: 10, ttlMs: 100, now: c.now });
    cache.set("a", 1);
    cache.set("b", 2);
    c.advance(150);
    cache.set("c", 3);
    expect(cache.size).toBe(1);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("c")).toBe(3);
  });
});
