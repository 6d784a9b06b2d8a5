// Embeddings from any OpenAI-compatible /v1/embeddings server (EMBEDDINGS_PROVIDER=openai).
import { OpenAIEmbeddings } from "@langchain/openai";
import type { Config } from "../base/config.js";

const PLACEHOLDER_API_KEY = "not-needed";

/**
 * An OpenAIEmbeddings that sends EMBEDDINGS_BATCH_SIZE texts per request to OPENAI_BASE_URL (or OpenAI).
 * Floats are requested explicitly: the OpenAI SDK otherwise asks for base64, which not every
 * OpenAI-compatible server supports.
 */
export function createOpenAIEmbeddings(config: Config): OpenAIEmbeddings {
  return new OpenAIEmbeddings({
    model: config.EMBEDDINGS_MODEL,
    apiKey: config.OPENAI_API_KEY ?? PLACEHOLDER_API_KEY,
    batchSize: config.EMBEDDINGS_BATCH_SIZE,
    encodingFormat: "float",
    // Indexing is not interactive: a few retries with backoff beat failing a long run on one hiccup.
    maxRetries: 3,
    configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {},
  });
}
