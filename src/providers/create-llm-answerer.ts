// An Answerer that has a chat model write the answer from the ranked passages, then keeps only the
// citations that hold. When the model fails, or nothing it said holds, the fallback answerer answers.
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { stripReferenceWords } from "../core/answer/cap-quote.js";
import { ABSTENTION_TEXT, isAbstention } from "../core/answer/abstention.js";
import { textOfContent } from "../core/pipeline/condense-question.js";
import type { Answerer, AskOptions } from "../core/ports.js";
import { buildAnswerPrompt, toMessageTuples, type PromptMessage } from "../core/answer/prompts.js";
import type { Answer, Ranked } from "../core/types.js";
import { verifyCitations } from "../core/answer/verify-citations.js";
import type { Logger } from "../base/log.js";

export interface LlmAnswererDeps {
  chat: BaseChatModel;
  /** "openai:<model>" or "anthropic:<model>". */
  modelName: string;
  /** Answers when the model cannot (normally the extractive answerer). */
  fallback: Answerer;
  /** The whole model call, streaming included, must finish within this. */
  timeoutMs: number;
  log: Logger;
}

/** Why a model's answer was not used, in words short enough to show a user. */
export const FALLBACK_REASONS = {
  timeout: "the language model did not answer in time",
  rateLimited: "the language model is rate limited",
  unreachable: "the language model could not be reached",
  serverError: "the language model server failed",
  malformed: "the language model's reply could not be read",
  empty: "the language model returned an empty answer",
  unsupported: "none of the language model's claims matched its cited sources",
} as const;

/**
 * Creates an Answerer backed by `chat`. Tokens stream to `options.onToken` as the model writes them; they
 * are the model's raw, unverified text, so front ends must replace them with the final `answer.text`.
 */
export function createLlmAnswerer(deps: LlmAnswererDeps): Answerer {
  const { modelName, fallback, log } = deps;

  const answerWithFallback = async (question: string, ranked: Ranked[], options: AskOptions | undefined, reason: string): Promise<Answer> => {
    const answer = await fallback(question, ranked, options);
    return { ...answer, model: null, fallback: reason };
  };

  return async (question, ranked, options) => {
    // Nothing to cite: the model could only abstain or invent, so let the fallback abstain without a call.
    if (ranked.length === 0) return { ...(await fallback(question, ranked, options)), model: null, fallback: null };

    let reply: string;
    try {
      reply = await callModel(deps.chat, buildAnswerPrompt(question, ranked), deps.timeoutMs, options?.onToken);
    } catch (error) {
      const reason = fallbackReason(error);
      log.warn({ model: modelName, reason, error: describeError(error) }, "chat model failed; answering without it");
      return answerWithFallback(question, ranked, options, reason);
    }
    if (reply.trim() === "") {
      log.warn({ model: modelName }, "chat model returned an empty answer; answering without it");
      return answerWithFallback(question, ranked, options, FALLBACK_REASONS.empty);
    }

    const verified = verifyCitations(reply, ranked, question);
    if (verified.supportedClaims === 0) {
      if (verified.abstention !== undefined || isAbstention(reply)) {
        return {
          question,
          // An abstention that carries a claim or a link (not checkable: it cites nothing) becomes the plain one.
          text: verified.abstention ?? ABSTENTION_TEXT,
          abstained: true,
          citations: [],
          nearest: ranked,
          model: modelName,
          fallback: null,
        };
      }
      log.warn(
        { model: modelName, removed: verified.removed.length, outOfRange: verified.outOfRange },
        "no claim in the model's answer held; answering without it",
      );
      return answerWithFallback(question, ranked, options, FALLBACK_REASONS.unsupported);
    }
    if (verified.removed.length > 0 || verified.outOfRange.length > 0) {
      log.info({ model: modelName, removed: verified.removed.length, outOfRange: verified.outOfRange }, "removed citations that did not hold");
    }
    return {
      question,
      // Bracketed reference words the model copied ("[citation needed]") would read as another source's mark.
      text: stripReferenceWords(verified.text),
      abstained: false,
      citations: verified.citations,
      nearest: [],
      model: modelName,
      fallback: null,
    };
  };
}

class ModelTimeoutError extends Error {
  override name = "ModelTimeoutError";
}

/** Calls the model (streaming when someone listens), racing it against the time budget. */
async function callModel(chat: BaseChatModel, prompt: PromptMessage[], timeoutMs: number, onToken?: (token: string) => void): Promise<string> {
  const messages = toMessageTuples(prompt);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ModelTimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
  // Belt and braces: if a client ignores the signal, the race still ends the wait on time.
  const aborted = new Promise<never>((_, reject) =>
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true }),
  );
  aborted.catch(() => undefined);
  try {
    const call = async () => {
      if (!onToken) return textOfContent((await chat.invoke(messages, { signal: controller.signal })).content);
      let text = "";
      for await (const chunk of await chat.stream(messages, { signal: controller.signal })) {
        const token = textOfContent(chunk.content);
        if (token === "") continue;
        text += token;
        onToken(token);
      }
      return text;
    };
    return await Promise.race([call(), aborted]);
  } catch (error) {
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

function fallbackReason(error: unknown): string {
  if (error instanceof ModelTimeoutError) return FALLBACK_REASONS.timeout;
  const { name, message, status } = errorFields(error);
  if (status === 429 || /\b429\b|rate.?limit/i.test(message)) return FALLBACK_REASONS.rateLimited;
  if (/timeout|timed out/i.test(`${name} ${message}`)) return FALLBACK_REASONS.timeout;
  if (typeof status === "number" && status >= 500) return `${FALLBACK_REASONS.serverError} (${status})`;
  if (/connection|ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|fetch failed|socket/i.test(`${name} ${message}`))
    return FALLBACK_REASONS.unreachable;
  if (typeof status === "number") return `${FALLBACK_REASONS.malformed} (${status})`;
  return FALLBACK_REASONS.malformed;
}

function describeError(error: unknown): { name: string; message: string; status?: number } {
  const { name, message, status } = errorFields(error);
  return status === undefined ? { name, message } : { name, message, status };
}

function errorFields(error: unknown): { name: string; message: string; status?: number } {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const status = (error as { status?: unknown }).status;
  const cause = (error as { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? ` (${cause.name}: ${cause.message})` : "";
  return {
    name: error.name,
    message: `${error.message}${causeText}`.slice(0, 300),
    ...(typeof status === "number" ? { status } : {}),
  };
}
