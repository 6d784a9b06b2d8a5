// Creates the configured LangChain chat model through LangChain's `initChatModel`, which loads the
// provider's package (@langchain/openai or @langchain/anthropic) by name. @langchain/openai is pinned to
// 1.5.8, the last release that declares Node 20 (1.5.9+ require Node 22); @langchain/anthropic 1.5.11
// declares Node >= 20.
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { initChatModel } from "langchain";
import type { Config } from "../base/config.js";

export interface ChatModelHandle {
  chat: BaseChatModel;
  /** "openai:<model>" or "anthropic:<model>", as reported in an answer's `model` field. */
  modelName: string;
}

export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini";
export const DEFAULT_ANTHROPIC_MODEL = "claude-haiku-4-5";

// Local OpenAI-compatible servers (Ollama, llama.cpp, vLLM) ignore the key, but the client insists on one.
const PLACEHOLDER_API_KEY = "not-needed";

/**
 * The chat model for LLM_PROVIDER, or null for "none". Retries are off: a retry after a timeout or a 429
 * would blow the LLM_TIMEOUT_MS budget, and the extractive answer is the better fallback.
 */
export async function createChatModel(config: Config): Promise<ChatModelHandle | null> {
  const common = {
    temperature: config.LLM_TEMPERATURE,
    maxTokens: config.LLM_MAX_TOKENS,
    maxRetries: 0,
  };
  switch (config.LLM_PROVIDER) {
    case "none":
      return null;
    case "openai": {
      const model = config.LLM_MODEL ?? DEFAULT_OPENAI_MODEL;
      const chat = await initChatModel(model, {
        ...common,
        modelProvider: "openai",
        apiKey: config.OPENAI_API_KEY ?? PLACEHOLDER_API_KEY,
        timeout: config.LLM_TIMEOUT_MS,
        // Some OpenAI-compatible servers reject `stream_options`; token usage is not needed here.
        streamUsage: false,
        configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {},
      });
      return { chat, modelName: `openai:${model}` };
    }
    case "anthropic": {
      const model = config.LLM_MODEL ?? DEFAULT_ANTHROPIC_MODEL;
      const chat = await initChatModel(model, {
        ...common,
        modelProvider: "anthropic",
        apiKey: config.ANTHROPIC_API_KEY,
        clientOptions: { timeout: config.LLM_TIMEOUT_MS, maxRetries: 0 },
      });
      return { chat, modelName: `anthropic:${model}` };
    }
  }
}
