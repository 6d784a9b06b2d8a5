// What was said in each bot thread: the last few turns, forgotten after a quiet while. Nothing is persisted.
import type { Turn } from "../core/ports.js";
import { createBoundedCache } from "./bounded-cache.js";

export interface ConversationMemory {
  /** The thread's turns, oldest first (empty when unknown or expired). */
  history(threadId: string): Turn[];
  /** Adds a turn, keeping only the last `maxTurns`. */
  append(threadId: string, turn: Turn): void;
}

export interface ConversationMemoryOptions {
  maxTurns?: number;
  ttlMs?: number;
  maxThreads?: number;
  now?: () => number;
}

export const DEFAULT_MAX_TURNS = 6;
export const DEFAULT_CONVERSATION_TTL_MS = 6 * 60 * 60 * 1000;

export function createConversationMemory(options: ConversationMemoryOptions = {}): ConversationMemory {
  const maxTurns = options.maxTurns ?? DEFAULT_MAX_TURNS;
  const threads = createBoundedCache<Turn[]>({
    maxEntries: options.maxThreads ?? 1000,
    ttlMs: options.ttlMs ?? DEFAULT_CONVERSATION_TTL_MS,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    history(threadId) {
      return [...(threads.get(threadId) ?? [])];
    },
    append(threadId, turn) {
      threads.set(threadId, [...(threads.get(threadId) ?? []), turn].slice(-maxTurns));
    },
  };
}
