// Statistics, knowledge gaps and metrics from plain records: no files, no Discord.
import { describe, expect, it } from "vitest";
import { createMetrics, LATENCY_BUCKETS_SECONDS } from "../src/ops/metrics.js";
import { renderGaps, renderReindexReport, renderStats } from "../src/discord/render-admin-reports.js";
import { DAY_MS, gapKey, percentile, summarizeActivity, summarizeGaps, type AnswerRecord, type GapRecord } from "../src/ops/summarize-activity.js";
import { findLimitViolations } from "../src/discord/discord-limits.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function answer(ageMs: number, ms: number, abstained = false): AnswerRecord {
  return { time: ago(ageMs), answer_id: `a${ageMs}-${ms}`, guild_id: "g", ms, citations: abstained ? 0 : 2, abstained, follow_up: false };
}

describe("summarizeActivity", () => {
  it("GIVEN answers over two weeks THEN counts the last day and week, and times and abstentions over the week only", () => {
    const answers = [
      answer(1000, 100),
      answer(2 * 3600_000, 300, true),
      answer(3 * DAY_MS, 200),
      answer(6 * DAY_MS, 900, true),
      // Older than a week: in no figure.
      answer(8 * DAY_MS, 50_000, true),
    ];
    const feedback = [
      { time: ago(1000), rating: "up" as const },
      { time: ago(2 * DAY_MS), rating: "down" as const },
      { time: ago(30 * DAY_MS), rating: "up" as const },
    ];
    const s = summarizeActivity(answers, feedback, NOW);
    expect(s).toMatchObject({ answeredLastDay: 2, answeredLastWeek: 4, abstainedLastWeek: 2, abstentionRate: 0.5 });
    // Nearest rank over [100, 200, 300, 900]: the median is the 2nd value, p95 the 4th.
    expect(s.medianMs).toBe(200);
    expect(s.p95Ms).toBe(900);
    expect(s).toMatchObject({ thumbsUpLastWeek: 1, thumbsDownLastWeek: 1, thumbsUp: 2, thumbsDown: 1 });
  });

  it("GIVEN no answers THEN rates and times are null, not zero", () => {
    expect(summarizeActivity([], [], NOW)).toMatchObject({ answeredLastWeek: 0, medianMs: null, p95Ms: null, abstentionRate: null });
  });

  it("GIVEN 100 values THEN p95 is the 95th", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile([7], 0.95)).toBe(7);
  });
});

describe("summarizeGaps", () => {
  const gap = (ageMs: number, question: string): GapRecord => ({ time: ago(ageMs), answer_id: `g${ageMs}`, guild_id: "g", question });

  it("GIVEN repeated questions in other words' case and punctuation THEN groups them, most frequent first, with the latest wording", () => {
    const gaps = [
      gap(5000, "Who won the cricket world cup?"),
      gap(4000, "Who won the budget vote?"),
      gap(3000, "who won the  cricket world cup"),
      gap(2000, "Who won the budget vote"),
      gap(1000, "WHO WON THE CRICKET WORLD CUP!!"),
      gap(500, "What is the weather in Oslo?"),
      gap(40 * DAY_MS, "Who won the cricket world cup?"),
    ];
    const s = summarizeGaps(gaps, NOW);
    expect(s.total).toBe(6);
    expect(s.frequent.map((e) => [e.question, e.count])).toEqual([
      ["WHO WON THE CRICKET WORLD CUP!!", 3],
      ["Who won the budget vote", 2],
    ]);
    expect(s.recent.map((e) => e.question)).toEqual([
      "What is the weather in Oslo?",
      "WHO WON THE CRICKET WORLD CUP!!",
      "Who won the budget vote",
      "who won the  cricket world cup",
      "Who won the budget vote?",
      "Who won the cricket world cup?",
    ]);
    expect(gapKey("Who won?  ")).toBe(gapKey("who WON"));
  });
});

describe("metrics", () => {
  it("GIVEN answers, an abstention, errors and a refusal THEN the Prometheus text has cumulative buckets, sum and count", () => {
    const metrics = createMetrics();
    metrics.recordAnswer(40, false);
    metrics.recordAnswer(700, true);
    metrics.recordAnswer(60_000, false);
    metrics.recordError("interaction");
    metrics.recordRateLimited();
    const text = metrics.render([{ name: "newsdesk_index_loaded", help: "1 once loaded.", value: 1 }]);
    expect(text.endsWith("\n")).toBe(true);
    expect(text).toContain("# TYPE newsdesk_answers_total counter\nnewsdesk_answers_total 3\n");
    expect(text).toContain("newsdesk_abstentions_total 1\n");
    expect(text).toContain('newsdesk_errors_total{where="interaction"} 1\nnewsdesk_errors_total{where="message"} 0\n');
    expect(text).toContain("newsdesk_rate_limited_total 1\n");
    const bucket = (le: string) =>
      Number(new RegExp(`newsdesk_answer_duration_seconds_bucket\\{le="${le.replace("+", "\\+")}"\\} (\\d+)`).exec(text)![1]);
    expect(bucket("0.05")).toBe(1);
    expect(bucket("0.5")).toBe(1);
    expect(bucket("1")).toBe(2);
    expect(bucket("30")).toBe(2);
    expect(bucket("+Inf")).toBe(3);
    // Buckets never decrease.
    const counts = [...LATENCY_BUCKETS_SECONDS.map(String), "+Inf"].map(bucket);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(text).toContain("newsdesk_answer_duration_seconds_sum 60.74\nnewsdesk_answer_duration_seconds_count 3\n");
    expect(text).toContain("# TYPE newsdesk_index_loaded gauge\nnewsdesk_index_loaded 1\n");
    // Every sample line is "name{labels} value"; every family has HELP and TYPE.
    for (const line of text.trim().split("\n")) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [\d.e+-]+|\w+(\{[^}]*\})? \+Inf)$/);
  });
});

describe("rendering for Discord", () => {
  it("GIVEN 500 skipped files with long reasons THEN the /reindex summary fits one message and says how many more", () => {
    const skipped = Array.from({ length: 500 }, (_, i) => ({ source: `feeds/bad_${i}*.txt`, reason: `undecodable text ${"x".repeat(150)}` }));
    const message = renderReindexReport({
      status: "built",
      summary: { files: 600, articles: 100, chunks: 900, embedded: 10, reused: 890, removed: 0, skipped, seconds: 3.2 },
    });
    expect(findLimitViolations(message)).toEqual([]);
    expect(message.content).toContain("500 skipped");
    expect(message.content).toMatch(/…and \d+ more/);
    // File names are data: their Markdown is escaped.
    expect(message.content).toContain("bad\\_0\\*.txt");
  });

  it("GIVEN many long unanswered questions THEN /gaps stays within the embed limits, questions escaped", () => {
    const gaps = Array.from({ length: 60 }, (_, i) => ({
      time: ago(i * 1000),
      answer_id: `${i}`,
      guild_id: "g",
      question: `**Why** ${i % 20} ${"é".repeat(400)} @everyone`,
    }));
    const message = renderGaps(summarizeGaps(gaps, NOW, { limit: 50 }));
    expect(findLimitViolations(message)).toEqual([]);
    expect(message.embeds[0]!.description).toContain("\\*\\*Why\\*\\*");
  });

  it("GIVEN stats without answers THEN says so instead of 0 s or NaN", () => {
    const message = renderStats({
      index: null,
      embedder: null,
      answering: "extractive",
      activity: summarizeActivity([], [], NOW),
    });
    const text = JSON.stringify(message);
    expect(text).toContain("no answers yet");
    expect(text).not.toMatch(/NaN|null/);
  });
});
