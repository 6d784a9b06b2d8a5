// Statistics and knowledge gaps from the answers, gaps and feedback logs: plain functions over plain records.
import type { ActivitySummary, FeedbackRecord, GapEntry, GapsSummary } from "../discord/bot-ports.js";

/** One answered question in `answers.jsonl`; the question's text only when LOG_QUESTIONS=true. */
export interface AnswerRecord {
  time: string;
  answer_id: string;
  guild_id: string | null;
  ms: number;
  citations: number;
  abstained: boolean;
  follow_up: boolean;
  question?: string;
}

/** One question the bot could not answer, in `gaps.jsonl`: the point of this file is the question's text. */
export interface GapRecord {
  time: string;
  answer_id: string;
  guild_id: string | null;
  question: string;
  /** The standalone question retrieval used, when it differs (a follow-up in a thread). */
  standalone?: string;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const WEEK_MS = 7 * DAY_MS;

/** The value below which `fraction` of the sorted values lie (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1];
}

const ageOf = (time: string, now: number) => now - Date.parse(time);

export function summarizeActivity(
  answers: readonly AnswerRecord[],
  feedback: readonly Pick<FeedbackRecord, "time" | "rating">[],
  now: number,
): ActivitySummary {
  const week = answers.filter((a) => ageOf(a.time, now) <= WEEK_MS);
  const day = week.filter((a) => ageOf(a.time, now) <= DAY_MS);
  const times = week.map((a) => a.ms).sort((a, b) => a - b);
  const abstained = week.filter((a) => a.abstained).length;
  const recentFeedback = feedback.filter((f) => ageOf(f.time, now) <= WEEK_MS);
  const count = (list: readonly Pick<FeedbackRecord, "rating">[], rating: "up" | "down") => list.filter((f) => f.rating === rating).length;
  return {
    answeredLastDay: day.length,
    answeredLastWeek: week.length,
    medianMs: percentile(times, 0.5),
    p95Ms: percentile(times, 0.95),
    abstainedLastWeek: abstained,
    abstentionRate: week.length ? abstained / week.length : null,
    thumbsUpLastWeek: count(recentFeedback, "up"),
    thumbsDownLastWeek: count(recentFeedback, "down"),
    thumbsUp: count(feedback, "up"),
    thumbsDown: count(feedback, "down"),
  };
}

/** Case, spacing and end punctuation do not make a different question. */
export function gapKey(question: string): string {
  return question
    .toLowerCase()
    .normalize("NFKC")
    .replace(/\s+/g, " ")
    .replace(/[\s?!.]+$/u, "")
    .trim();
}

export function summarizeGaps(gaps: readonly GapRecord[], now: number, options: { limit?: number; windowDays?: number } = {}): GapsSummary {
  const limit = options.limit ?? 10;
  const windowDays = options.windowDays ?? 30;
  const inWindow = gaps.filter((g) => ageOf(g.time, now) <= windowDays * DAY_MS).sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  const byKey = new Map<string, GapEntry>();
  for (const gap of inWindow) {
    const key = gapKey(gap.question);
    const entry = byKey.get(key);
    // Newest first: the first seen wording and time are the latest.
    if (entry) entry.count++;
    else byKey.set(key, { question: gap.question, count: 1, lastAsked: Date.parse(gap.time) });
  }
  const recent = inWindow
    .slice(0, limit)
    .map((g) => ({ question: g.question, count: byKey.get(gapKey(g.question))!.count, lastAsked: Date.parse(g.time) }));
  const frequent = [...byKey.values()]
    .filter((e) => e.count > 1)
    .sort((a, b) => b.count - a.count || b.lastAsked - a.lastAsked)
    .slice(0, limit);
  return { recent, frequent, total: inWindow.length, windowDays };
}
