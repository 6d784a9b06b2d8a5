// One way to answer, whether the question came from /ask, a mention or a thread: admit, queue, ask, render.
import type { MessageMentionOptions } from "discord.js";
import type { AskOptions, Turn } from "../core/ports.js";
import { MAX_QUESTION_CHARS, normalizeQuestion, QuestionError } from "../core/pipeline/normalize-question.js";
import type { SearchFilters } from "../core/types.js";
import { createAnswerButtons } from "./answer-buttons.js";
import type { BotContext, StoredAnswer } from "./command.js";
import type { RenderedMessage } from "./discord-limits.js";
import { renderAnswer } from "./render-answer.js";

export const MAX_QUESTION_LENGTH = MAX_QUESTION_CHARS;
/** On everything the bot sends: nobody is ever pinged, whatever an article or a question contains. */
export const NO_PINGS: MessageMentionOptions = { parse: [], repliedUser: false };

export type Admission = { question: string; refusal?: undefined } | { refusal: string };

/**
 * Cleans the question (the core's one gate: control and zero-width characters, empty, over 1,000 characters)
 * and takes a token from the member's bucket; a refusal is a short text fit to show them.
 */
export function admitQuestion(raw: string, userId: string, context: Pick<BotContext, "settings" | "rateLimiter" | "now" | "events">): Admission {
  let question: string;
  try {
    question = normalizeQuestion(raw);
  } catch (error) {
    if (error instanceof QuestionError) return { refusal: error.message };
    throw error;
  }
  const decision = context.rateLimiter.take(userId);
  if (decision.allowed) return { question };
  context.events?.rateLimited?.({ userId });
  const perMinute = context.settings.rateLimitPerMinute;
  const seconds = Math.ceil(decision.retryAfterMs / 1000);
  const at = Math.ceil((context.now() + decision.retryAfterMs) / 1000);
  return { refusal: `You can ask ${perMinute} question${perMinute === 1 ? "" : "s"} a minute. Try again in ${seconds} s (<t:${at}:R>).` };
}

export interface AnswerRequest {
  /** As admitted (normalized), in the member's words. */
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
  const options: AskOptions = {
    asOf: new Date(context.now()).toISOString().slice(0, 10),
    ...(request.history.length ? { history: request.history } : {}),
    ...(request.filters && Object.keys(request.filters).length ? { filters: request.filters } : {}),
    ...(request.onToken ? { onToken: request.onToken } : {}),
  };
  const queuedAt = context.now();
  // The pipeline rewrites a follow-up with the history (once, for every front end) and says what it used.
  const answer = await answering.run(() => pipeline.ask(request.question, options));
  const standalone = answer.standalone ?? request.question;
  const id = context.newId();
  const ms = context.now() - queuedAt;
  log.info(
    {
      answer_id: id,
      user_id: request.userId,
      guild_id: request.guildId,
      ms,
      timings_ms: answer.timings_ms,
      citations: answer.citations.length,
      abstained: answer.abstained,
      follow_up: request.history.length > 0,
      ...(settings.logQuestions ? { question: request.question, standalone } : {}),
    },
    "answered",
  );
  context.events?.answered?.({
    answerId: id,
    userId: request.userId,
    guildId: request.guildId,
    question: request.question,
    standalone,
    ms,
    citations: answer.citations.length,
    abstained: answer.abstained,
    followUp: request.history.length > 0,
    at: queuedAt + ms,
  });
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
