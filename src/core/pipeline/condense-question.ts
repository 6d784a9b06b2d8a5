// Turns a follow-up in a conversation ("and what did she say next?") into a standalone question before
// retrieval. The chat model is passed in; any failure leaves the question as the user wrote it.
import type { Turn } from "../ports.js";
import { buildCondensePrompt, toMessageTuples, type MessageTuple } from "../answer/prompts.js";

/** The one thing condensing needs from a chat model; LangChain's chat models fit it structurally. */
export interface MessageCompleter {
  invoke(messages: MessageTuple[], options?: { signal?: AbortSignal }): Promise<{ content: unknown }>;
}

export interface CondenseQuestionInput {
  chat: MessageCompleter;
  history: readonly Turn[];
  question: string;
  /** Condensing runs before retrieval, so it gets a short budget of its own. */
  timeoutMs?: number;
  /** Told why condensing was skipped, for logging; never throws to the caller. */
  onError?: (error: unknown) => void;
}

export const DEFAULT_CONDENSE_TIMEOUT_MS = 5_000;
const MAX_CONDENSED_CHARS = 500;

/** Rewrites `question` into a standalone question using `history`; returns `question` unchanged on failure. */
export async function condenseQuestion(input: CondenseQuestionInput): Promise<string> {
  const { chat, history, question } = input;
  if (history.length === 0) return question;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error("condensing timed out")), input.timeoutMs ?? DEFAULT_CONDENSE_TIMEOUT_MS);
  try {
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true }),
    );
    const reply = await Promise.race([chat.invoke(toMessageTuples(buildCondensePrompt(history, question)), { signal: controller.signal }), aborted]);
    return readCondensedQuestion(textOfContent(reply.content), question);
  } catch (error) {
    input.onError?.(error);
    return question;
  } finally {
    clearTimeout(timer);
  }
}

/** The standalone question in a model's reply, or `original` when the reply is empty or implausible. */
export function readCondensedQuestion(reply: string, original: string): string {
  const line = reply
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "");
  if (line === undefined) return original;
  const question = line
    .replace(/^(?:standalone question|question|rewritten question)\s*:\s*/i, "")
    .replace(/^["'“‘]+|["'”’]+$/g, "")
    .trim();
  if (question === "" || question.length > MAX_CONDENSED_CHARS) return original;
  return question;
}

/** The text of a chat model's message content, which is a string or a list of content blocks. */
export function textOfContent(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((block) => {
      if (typeof block === "string") return block;
      if (block && typeof block === "object" && (block as { type?: unknown }).type === "text") {
        const text = (block as { text?: unknown }).text;
        return typeof text === "string" ? text : "";
      }
      return "";
    })
    .join("");
}
