// One way to answer, whether the question came from /ask, a mention or a thread: admit, queue, ask, render.
import type { MessageMentionOptions } from "discord.js";
import type { AskOptions, Turn } from "../core/ports.js";
import { resolveFollowUp } from "../core/resolve-follow-up.js";
import type { SearchFilters } from "../core/types.js";
import { createAnswerButtons } from "./answer-buttons.js";
import type { BotContext, StoredAnswer } from "./command.js";
import type { RenderedMessage } from "./discord-limits.js";
import { renderAnswer } from "./render-answer.js";

export const MAX_QUESTION_LENGTH = 1000;
/** On everything the bot sends: nobody is ever pinged, whatever an article or a question contains. */
export const NO_PINGS: MessageMentionOptions = { parse: [], repliedUser: false };
/** The standalone question handed to retrieval keeps this much of the earlier conversation. */
const STANDALONE_MAX = 1500;

/** Drops control and zero-width characters and collapses runs of spaces; the words stay as typed. */
export function normalizeQuestion(text: string): string {
  return text
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, "")
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, " ")
    .replace(/[ \t]+/g, " ")
    .trim();
}

/** A short refusal when the question cannot be answered now, or undefined to go ahead (uses a rate token). */
export function admitQuestion(question: string, userId: string, context: Pick<BotContext, "settings" | "rateLimiter" | "now">): string | undefined {
  const { maxQuestionLength, rateLimitPerMinute } = context.settings;
  if (!question) return "Please ask a question in words, for example: `/ask question: What did the Russian Foreign Ministry say?`";
  if (question.length > maxQuestionLength) {
    return `That question is ${question.length} characters long; the limit is ${maxQuestionLength}. Please shorten it.`;
  }
  const decision = context.rateLimiter.take(userId);
  if (decision.allowed) return undefined;
  const seconds = Math.ceil(decision.retryAfterMs / 1000);
  const at = Math.ceil((context.now() + decision.retryAfterMs) / 1000);
  return `You can ask ${rateLimitPerMinute} question${rateLimitPerMinute === 1 ? "" : "s"} a minute. Try again in ${seconds} s (<t:${at}:R>).`;
}

export interface AnswerRequest {
  /** Normalized, as the member asked it. */
  question: string;
  userId: string;
  guildId: string | null;
  channelId: string | null;
  /** Earlier turns of the thread, oldest first. */
  history: Turn[];
  filters?: SearchFilters;
  /** Whether the answer goes where a thread can be started on it. */
  canFollowUp: boolean;
  onToken?: (token: string) => void;
}

export interface AnsweredQuestion {
  stored: StoredAnswer;
  /** The turn to remember for a conversation (with the standalone question retrieval used). */
  turn: Turn;
  messages: RenderedMessage[];
}

/** Resolves a follow-up, waits for a free answering slot, asks the pipeline, and renders the reply. */
export async function answerQuestion(context: BotContext, request: AnswerRequest): Promise<AnsweredQuestion> {
  const { pipeline, log, answering, settings } = context;
  const resolved = resolveFollowUp(request.question, request.history);
  const standalone = resolved.question.length > STANDALONE_MAX ? `${resolved.question.slice(0, STANDALONE_MAX)}…` : resolved.question;
  const options: AskOptions = {
    asOf: new Date(context.now()).toISOString().slice(0, 10),
    ...(request.history.length ? { history: request.history } : {}),
    ...(request.filters && Object.keys(request.filters).length ? { filters: request.filters } : {}),
    ...(request.onToken ? { onToken: request.onToken } : {}),
  };
  const queuedAt = context.now();
  const answer = await answering.run(() => pipeline.ask(standalone, options));
  const id = context.newId();
  log.info(
    {
      answer_id: id,
      user_id: request.userId,
      guild_id: request.guildId,
      ms: context.now() - queuedAt,
      timings_ms: answer.timings_ms,
      citations: answer.citations.length,
      abstained: answer.abstained,
      follow_up: request.history.length > 0,
      ...(settings.logQuestions ? { question: request.question, standalone } : {}),
    },
    "answered",
  );
  const stored: StoredAnswer = {
    id,
    asked: request.question,
    answer,
    askerId: request.userId,
    history: request.history,
    guildId: request.guildId,
    channelId: request.channelId,
  };
  context.answers.set(id, stored);
  const messages = renderAnswer(answer, { question: request.question });
  const first = messages[0];
  if (first) {
    first.components = createAnswerButtons(id, { followUp: request.canFollowUp, passages: answer.citations.length > 0 });
  }
  return { stored, turn: { question: standalone, answer }, messages };
}
