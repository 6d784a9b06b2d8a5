// The bounded JSON Lines logs and the watch on INDEX_DIR/CURRENT, on a real temporary folder.
import { appendFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFeedbackStore } from "../src/ops/feedback-store.js";
import { createActivityLog } from "../src/ops/activity-log.js";
import { createJsonLinesFile } from "../src/ops/json-lines-file.js";
import { createMetrics } from "../src/ops/metrics.js";
import { watchIndexPointer } from "../src/serving/watch-index-pointer.js";
import type { FeedbackRecord } from "../src/discord/bot-ports.js";
import { until } from "./support/harness.js";

const silent = pino({ level: "silent" });
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "newsdesk-ops-logs-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("createJsonLinesFile", () => {
  it("GIVEN 300 records at once past a 4 KB cap THEN every line is whole, the files stay bounded, and the newest records are kept", async () => {
    const file = join(dir, "bounded", "answers.jsonl");
    const log = createJsonLinesFile<{ n: number; pad: string }>(file, { maxBytes: 4096 });
    await Promise.all(Array.from({ length: 300 }, (_, n) => log.append({ n, pad: "é".repeat(20) })));
    for (const path of [file, `${file}.1`]) {
      const text = await readFile(path, "utf8");
      expect(text.endsWith("\n")).toBe(true);
      expect((await stat(path)).size).toBeLessThanOrEqual(4096);
      for (const line of text.trimEnd().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
    }
    const kept = (await log.readAll()).map((r) => r.n);
    // Two files of at most 4 KB hold the latest records, in order, ending with the last one written.
    expect(kept.at(-1)).toBe(299);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(kept.length).toBeGreaterThan(40);
    expect(kept.length).toBeLessThan(300);
  });

  it("GIVEN a last line cut short by a crash THEN reading skips it and the next append starts a whole line", async () => {
    const file = join(dir, "torn.jsonl");
    await writeFile(file, '{"n":1}\n{"n":2}\n{"n":');
    const log = createJsonLinesFile<{ n: number }>(file);
    expect((await log.readAll()).map((r) => r.n)).toEqual([1, 2]);
  });

  it("GIVEN feedback past the cap THEN the feedback store rotates too and reads both files", async () => {
    const file = join(dir, "feedback.jsonl");
    const store = createFeedbackStore(file, { maxBytes: 2000 });
    const record = (i: number): FeedbackRecord => ({
      time: new Date(i * 1000).toISOString(),
      user_id: `u${i}`,
      rating: i % 2 ? "up" : "down",
      question: "q",
      answer: "a".repeat(300),
      abstained: false,
      citations: [],
    });
    for (let i = 0; i < 10; i++) await store.record(record(i));
    const all = await store.readAll();
    expect(all.at(-1)!.user_id).toBe("u9");
    expect((await stat(`${file}.1`)).size).toBeGreaterThan(0);
    expect((await stat(file)).size).toBeLessThanOrEqual(2000);
  });
});

describe("createActivityLog", () => {
  const event = (question: string, abstained: boolean, standalone = question) => ({
    answerId: `id-${question.length}`,
    userId: "u",
    guildId: "g",
    question,
    standalone,
    ms: 120,
    citations: abstained ? 0 : 1,
    abstained,
    followUp: standalone !== question,
    at: Date.parse("2026-03-10T12:00:00Z"),
  });
  const settle = () => new Promise((r) => setTimeout(r, 50));

  it("GIVEN LOG_QUESTIONS=true THEN answers.jsonl keeps the question; false THEN only timing and outcome", async () => {
    for (const logQuestions of [true, false]) {
      const activity = createActivityLog({ dataDir: join(dir, `activity-${logQuestions}`), logQuestions, metrics: createMetrics(), log: silent });
      activity.events.answered!(event("What did the ministry say?", false));
      await settle();
      const [record] = await activity.answers.readAll();
      expect(record).toMatchObject({ answer_id: expect.any(String), guild_id: "g", ms: 120, citations: 1, abstained: false, follow_up: false });
      expect(record!.question).toBe(logQuestions ? "What did the ministry say?" : undefined);
      expect(await activity.gaps.readAll()).toEqual([]);
    }
  });

  it("GIVEN an abstained follow-up THEN gaps.jsonl keeps the member's words and the standalone question", async () => {
    const activity = createActivityLog({ dataDir: join(dir, "activity-gaps"), logQuestions: false, metrics: createMetrics(), log: silent });
    activity.events.answered!(event("and in Oslo?", true, "What is the weather in Bergen? and in Oslo?"));
    activity.events.answered!(event("Who won the cup?", true));
    await settle();
    expect((await activity.gaps.readAll()).map(({ question, standalone }) => ({ question, standalone }))).toEqual([
      { question: "and in Oslo?", standalone: "What is the weather in Bergen? and in Oslo?" },
      { question: "Who won the cup?", standalone: undefined },
    ]);
  });
});

describe("watchIndexPointer", () => {
  /** Publishes a generation as a build does: CURRENT.tmp renamed over CURRENT. */
  async function publish(indexDir: string, name: string) {
    await writeFile(join(indexDir, "CURRENT.tmp"), `${name}\n`);
    await rename(join(indexDir, "CURRENT.tmp"), join(indexDir, "CURRENT"));
  }

  it("GIVEN a build that publishes twice THEN onChange runs for each, and not for other files in the folder", async () => {
    const indexDir = join(dir, "watched");
    await mkdir(indexDir, { recursive: true });
    await publish(indexDir, "gen-1");
    let changes = 0;
    const watcher = await watchIndexPointer({ indexDir, onChange: () => void changes++, log: silent, pollMs: 60_000, settleMs: 20 });
    try {
      await writeFile(join(indexDir, "build.lock"), "123\n");
      await appendFile(join(indexDir, "CURRENT"), "");
      await new Promise((r) => setTimeout(r, 150));
      expect(changes).toBe(0);
      await publish(indexDir, "gen-2");
      await until(() => changes === 1);
      await publish(indexDir, "gen-3");
      await until(() => changes === 2);
    } finally {
      watcher.close();
    }
  });

  it("GIVEN fs.watch unavailable THEN the poll still notices a new generation", async () => {
    const indexDir = join(dir, "polled");
    await mkdir(indexDir, { recursive: true });
    await publish(indexDir, "gen-1");
    let changes = 0;
    const watcher = await watchIndexPointer({ indexDir, onChange: () => void changes++, log: silent, pollMs: 50, useFsWatch: false });
    try {
      await publish(indexDir, "gen-2");
      await until(() => changes === 1);
    } finally {
      watcher.close();
    }
  });
});
