// The bot's activity on disk and in metrics: every answer to `answers.jsonl` (timing and outcome; the question
// only with LOG_QUESTIONS=true), every unanswered question to `gaps.jsonl` (with its text: that is what the
// people who run the bot need, to know which articles to add).
import { join } from "node:path";
import type { Logger } from "../base/log.js";
import { createJsonLinesFile, type JsonLinesFile, type JsonLinesFileOptions } from "./json-lines-file.js";
import type { Metrics } from "./metrics.js";
import type { AnswerRecord, GapRecord } from "./summarize-activity.js";
import type { AnsweredEvent, BotEvents } from "../discord/bot-ports.js";

export const ANSWERS_FILE = "answers.jsonl";
export const GAPS_FILE = "gaps.jsonl";

export interface ActivityLog {
  answers: JsonLinesFile<AnswerRecord>;
  gaps: JsonLinesFile<GapRecord>;
  events: BotEvents;
}

export interface ActivityLogOptions extends JsonLinesFileOptions {
  dataDir: string;
  logQuestions: boolean;
  metrics: Metrics;
  log: Logger;
}

export function createActivityLog(options: ActivityLogOptions): ActivityLog {
  const { metrics, log } = options;
  const answers = createJsonLinesFile<AnswerRecord>(join(options.dataDir, ANSWERS_FILE), options);
  const gaps = createJsonLinesFile<GapRecord>(join(options.dataDir, GAPS_FILE), options);
  // A full disk must not cost a member their answer: the failure is logged, the record dropped.
  const keep = <T>(file: JsonLinesFile<T>, record: T) =>
    void file.append(record).catch((error: unknown) => log.warn({ err: error, file: file.path }, "could not append to the activity log"));

  const answered = (event: AnsweredEvent) => {
    metrics.recordAnswer(event.ms, event.abstained);
    const time = new Date(event.at).toISOString();
    keep(answers, {
      time,
      answer_id: event.answerId,
      guild_id: event.guildId,
      ms: event.ms,
      citations: event.citations,
      abstained: event.abstained,
      follow_up: event.followUp,
      ...(options.logQuestions ? { question: event.question } : {}),
    });
    if (event.abstained) {
      keep(gaps, {
        time,
        answer_id: event.answerId,
        guild_id: event.guildId,
        question: event.question,
        ...(event.standalone !== event.question ? { standalone: event.standalone } : {}),
      });
    }
  };

  return {
    answers,
    gaps,
    events: {
      answered,
      rateLimited: () => metrics.recordRateLimited(),
      failed: ({ where }) => metrics.recordError(where),
    },
  };
}
