// The interfaces that adapters implement and front ends (CLI, Discord) consume.
import type { Answer, Passage, Place, Ranked, SearchFilters, Timings } from "./types.js";

/** Structurally the same as LangChain's `Embeddings`, so any LangChain embedder fits. */
export interface TextEmbedder {
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
}

/** One earlier exchange in a conversation (a Discord thread). */
export interface Turn {
  question: string;
  answer: Answer;
}

export interface AskOptions {
  k?: number;
  filters?: SearchFilters;
  /** Reference date (ISO) for recency words such as "this week". */
  asOf?: string;
  /** Earlier turns of the conversation, oldest first, for follow-up questions. */
  history?: Turn[];
  /** Receives answer text as a chat model streams it (ignored by the extractive answerer). */
  onToken?: (token: string) => void;
}

export interface AskResult extends Answer {
  /** The question retrieval used when it differs from `question`: a follow-up rewritten with its history. */
  standalone?: string;
  timings_ms: Timings;
}

export interface SearchOptions {
  k?: number;
  filters?: SearchFilters;
  asOf?: string;
}

export interface SearchResult {
  query: string;
  results: Ranked[];
  timings_ms: { retrieve: number };
}

export interface ArticleSummary {
  source: string;
  title: string;
  url?: string;
  date?: string;
  passages: number;
}

/** What every front end (CLI, Discord bot, eval) talks to. */
export interface Pipeline {
  ask(question: string, options?: AskOptions): Promise<AskResult>;
  search(query: string, options?: SearchOptions): Promise<SearchResult>;
  /** Indexed articles, optionally filtered by a case-insensitive substring of title or source. */
  listArticles(filter?: string): ArticleSummary[];
  /** Looks a passage up by id (for "Show passages"). */
  getPassage(id: string): Passage | undefined;
}

/** Turns a question and its ranked passages into a cited answer (extractive, or a chat model's). */
export type Answerer = (question: string, ranked: Ranked[], options?: AskOptions) => Promise<Answer>;

/** A candidate from one retrieval channel: an index label and that channel's score (higher is better). */
export interface Candidate {
  label: number;
  score: number;
}

/** The two retrieval channels of an index, as the core's fusion sees them. */
export interface PassageSearcher {
  /** Nearest passages by cosine similarity, best first. */
  searchDense(text: string, k: number, allow?: (label: number) => boolean): Promise<Candidate[]>;
  /** Best passages by BM25, best first. */
  searchLexical(text: string, k: number, allow?: (label: number) => boolean): Candidate[];
  passage(label: number): Passage;
  /**
   * Where a label's text occurs (primary first), when the index knows it without reading the passage:
   * filters then test thousands of HNSW candidates cheaply. Filters fall back to `passage` without it.
   */
  places?(label: number): readonly Place[];
  /** The lexical index's idf of a term (query-term weights for re-ranking); every term weighs 1 without it. */
  idf?(term: string): number;
}
