// The retrieval adapter over a loaded index: the HNSW dense channel and the BM25 lexical channel, handed to
// the core's fusion and re-ranking as plain candidate lists.
import { inverseDocumentFrequency, searchLexical } from "../core/lexical/lexical-index.js";
import type { ArticleSummary, Candidate, PassageSearcher, TextEmbedder } from "../core/ports.js";
import type { LoadedIndex } from "./load-index.js";
import type { PassageStore } from "./passage-store.js";
import type { ShardedGraph } from "./sharded-graph.js";

export interface IndexSearcher extends PassageSearcher {
  size: number;
  /** Dense search from a vector already embedded (what LangChain's VectorStore asks for). */
  searchVector(vector: number[], k: number, allow?: (label: number) => boolean): Candidate[];
}

/**
 * Whether every label HNSW can return has a passage: labels it holds beyond the store's must all be marked
 * deleted (getPoint refuses exactly those). Then searching needs no filter callback, which hnswlib calls
 * from native code for every candidate it visits.
 */
function servesEveryLabel(index: ShardedGraph, passages: Pick<PassageStore, "has">): boolean {
  for (const label of index.getIdsList()) {
    if (passages.has(label)) continue;
    try {
      index.getPoint(label);
      return false;
    } catch {
      // Marked deleted: never returned by a search.
    }
  }
  return true;
}

export function createIndexSearcher(loaded: LoadedIndex, embedder: TextEmbedder): IndexSearcher {
  const { passages, lexical } = loaded;
  const index = loaded.graph;
  const live = passages.size;
  const needsLiveFilter = !servesEveryLabel(index, passages);
  const searchVector = (vector: number[], k: number, allow?: (label: number) => boolean): Candidate[] => {
    if (live === 0) return [];
    const filter = needsLiveFilter ? (label: number) => passages.has(label) && (!allow || allow(label)) : allow;
    const result = index.searchKnn(vector, Math.min(k, live), filter);
    return result.neighbors.map((label, i) => ({ label, score: 1 - result.distances[i] }));
  };
  return {
    size: live,
    passage: (label) => passages.passage(label),
    places: (label) => passages.articlesOf(label),
    searchVector,
    async searchDense(text, k, allow) {
      return live === 0 ? [] : searchVector(await embedder.embedQuery(text), k, allow);
    },
    idf: (term) => inverseDocumentFrequency(lexical, term),
    searchLexical(text, k, allow) {
      return searchLexical(lexical, text, k, allow ? (id) => allow(Number(id)) : undefined).map((hit) => ({
        label: Number(hit.id),
        score: hit.score,
      }));
    },
  };
}

/** One summary per article (a JSON/JSONL file may hold many), sorted by date, newest first. */
export function summarizeArticles(loaded: LoadedIndex): ArticleSummary[] {
  const byArticle = new Map<object, ArticleSummary>();
  for (const label of loaded.passages.labels) {
    for (const article of loaded.passages.articlesOf(label)) {
      const summary = byArticle.get(article);
      if (summary) summary.passages++;
      else byArticle.set(article, { source: article.source, title: article.title, url: article.url, date: article.date, passages: 1 });
    }
  }
  return [...byArticle.values()].sort((a, b) => (b.date ?? "").localeCompare(a.date ?? "") || a.source.localeCompare(b.source));
}
