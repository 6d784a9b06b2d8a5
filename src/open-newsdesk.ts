// Newsdesk as a library: `import { openNewsdesk } from "newsdesk"`. The same composition root as the CLI and
// the bot (config from the environment, the index in INDEX_DIR, built on first use), with LangChain faces.
import { openPipelineWithIndex, type OpenPipelineOptions } from "./app/open-pipeline.js";
import { loadConfig, type Config } from "./base/config.js";
import type { AskOptions, AskResult, Pipeline, SearchOptions, SearchResult } from "./core/ports.js";
import type { SearchFilters } from "./core/types.js";
import { NewsdeskRetriever } from "./langchain/newsdesk-retriever.js";
import { NewsdeskVectorStore } from "./langchain/newsdesk-vector-store.js";
import { createSilentLogger, type Logger } from "./base/log.js";

export { NewsdeskRetriever } from "./langchain/newsdesk-retriever.js";
export { NewsdeskVectorStore } from "./langchain/newsdesk-vector-store.js";
export type { PassageMetadata } from "./langchain/passage-document.js";
export type { Answer, Citation, Passage, SearchFilters } from "./core/types.js";
export type { AskOptions, AskResult, SearchOptions, SearchResult } from "./core/ports.js";

export interface NewsdeskOptions extends Pick<OpenPipelineOptions, "buildIfMissing" | "notice"> {
  /** Variables as in .env.example; defaults to process.env (no .env file is read). */
  env?: Record<string, string | undefined>;
  /** An already parsed config (instead of `env`). */
  config?: Config;
  log?: Logger;
}

export interface Newsdesk {
  /** A cited answer (or an abstention), exactly as `npm run ask --json` gives it. */
  ask(question: string, options?: AskOptions): Promise<AskResult>;
  /** Ranked passages, as `npm run search --json` gives them. */
  search(query: string, options?: SearchOptions): Promise<SearchResult>;
  /** The full hybrid retrieval as a LangChain retriever. */
  retriever(options?: { k?: number; filters?: SearchFilters; asOf?: string }): NewsdeskRetriever;
  /** Dense search alone over the index's HNSW graph, as a LangChain VectorStore. */
  vectorStore: NewsdeskVectorStore;
  pipeline: Pipeline;
  /** Releases the index's files; nothing may be asked afterwards. */
  close(): Promise<void>;
}

export async function openNewsdesk(options: NewsdeskOptions = {}): Promise<Newsdesk> {
  const config = options.config ?? loadConfig(options.env ?? process.env);
  const log = options.log ?? createSilentLogger();
  const { pipeline, loaded, searcher, embedder } = await openPipelineWithIndex(config, log, {
    buildIfMissing: options.buildIfMissing,
    notice: options.notice,
  });
  return {
    ask: (question, askOptions) => pipeline.ask(question, askOptions),
    search: (query, searchOptions) => pipeline.search(query, searchOptions),
    retriever: (fields = {}) => new NewsdeskRetriever({ pipeline, ...fields }),
    vectorStore: new NewsdeskVectorStore(embedder, searcher),
    pipeline,
    close: () => loaded.close(),
  };
}
