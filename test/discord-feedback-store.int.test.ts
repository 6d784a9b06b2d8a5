import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFeedbackStore } from "../src/ops/feedback-store.js";
import type { FeedbackRecord } from "../src/discord/bot-ports.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "newsdesk-feedback-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (i: number): FeedbackRecord => ({
  time: new Date(0).toISOString(),
  user_id: `user-${i}`,
  rating: i % 2 ? "up" : "down",
  question: `Question ${i} with "quotes" and a\nnewline`,
  answer: "x".repeat(10_000 + i),
  abstained: false,
  citations: [{ n: 1, source: "a.txt", title: "A", lines: [1, 2], quote: "q", passageId: "p" }],
});

describe("createFeedbackStore", () => {
  it("GIVEN a folder that does not exist yet and 50 clicks at once THEN 50 whole JSON lines, none interleaved", async () => {
    const file = join(dir, "nested", "data", "feedback.jsonl");
    const store = createFeedbackStore(file);
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.record(record(i))));
    const lines = (await readFile(file, "utf8")).split("\n");
    expect(lines.at(-1)).toBe("");
    const parsed = lines.slice(0, -1).map((line) => JSON.parse(line) as FeedbackRecord);
    expect(parsed.map((r) => r.user_id).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `user-${i}`).sort());
    expect(parsed.every((r) => r.answer.length >= 10_000 && r.citations[0]!.lines[1] === 2)).toBe(true);
  });

  it("GIVEN a write that fails THEN the next one still works", async () => {
    const store = createFeedbackStore(join(dir, "file-as-folder"));
    await store.record(record(1));
    const broken = createFeedbackStore(join(dir, "file-as-folder", "feedback.jsonl"));
    await expect(broken.record(record(2))).rejects.toThrow();
    const fine = createFeedbackStore(join(dir, "fine.jsonl"));
    await fine.record(record(3));
    expect((await readFile(join(dir, "fine.jsonl"), "utf8")).trim().split("\n")).toHaveLength(1);
  });
});
