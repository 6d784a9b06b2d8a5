// The retrieval adapter over a loaded index: the HNSW dense channel and the BM25 lexical channel, handed to
// the core's fusion and re-ranking as plain candidate lists.
import { inverseDocumentFrequency, searchLexical } from "../core/lexical-index.js";
import type { ArticleSummary, PassageSearcher, TextEmbedder } from "../core/ports.js";
import type { LoadedIndex } from "./load-index.js";

export interface IndexSearcher extends PassageSearcher {
  size: number;
}

export function createIndexSearcher(loaded: LoadedIndex, embedder: TextEmbedder): IndexSearcher {
  const { passages, lexical } = loaded;
  const index = loaded.store.index;
  const live = passages.size;
  return {
    size: live,
    passage: (label) => passages.passage(label),
    places: (label) => passages.articlesOf(label),
    async searchDense(text, k, allow) {
      if (live === 0) return [];
      const vector = await embedder.embedQuery(text);
      const filter = (label: number) => passages.has(label) && (!allow || allow(label));
      const result = index.searchKnn(vector, Math.min(k, live), filter);
      return result.neighbors.map((label, i) => ({ label, score: 1 - result.distances[i] }));
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
  return [...byArticle.values()].sort(
    (a, b) => (b.date ?? "").localeCompare(a.date ?? "") || a.source.localeCompare(b.source),
  );
}
