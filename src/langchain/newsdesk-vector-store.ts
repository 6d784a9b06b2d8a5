// The index's HNSW graph as a LangChain VectorStore, for LangChain code that wants dense search alone
// (`similaritySearch`, `asRetriever`). Newsdesk's own retrieval calls the same graph directly: it needs
// labels and scores for fusion, not Documents. Read-only: an index is written whole by `npm run index`.
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Document } from "@langchain/core/documents";
import { VectorStore } from "@langchain/core/vectorstores";
import { anyPlaceMatches, hasFilters, viewThroughFilters } from "../core/retrieval/match-filters.js";
import type { SearchFilters } from "../core/types.js";
import type { IndexSearcher } from "../index/create-index-searcher.js";
import { toPassageDocument, type PassageMetadata } from "./passage-document.js";

export class NewsdeskVectorStore extends VectorStore {
  declare FilterType: SearchFilters;

  constructor(
    embeddings: EmbeddingsInterface,
    private readonly searcher: Pick<IndexSearcher, "searchVector" | "passage" | "places">,
  ) {
    super(embeddings, {});
  }

  _vectorstoreType(): string {
    return "newsdesk";
  }

  /** Nearest passages to `query` by cosine similarity (higher is closer), restricted to `filter`'s articles. */
  async similaritySearchVectorWithScore(query: number[], k: number, filter?: SearchFilters): Promise<[Document<PassageMetadata>, number][]> {
    const { searcher } = this;
    const allow = hasFilters(filter) ? (label: number) => anyPlaceMatches(searcher.places?.(label) ?? [searcher.passage(label)], filter) : undefined;
    return searcher.searchVector(query, k, allow).map(({ label, score }) => {
      const passage = viewThroughFilters(searcher.passage(label), filter);
      return [toPassageDocument(passage, score), score];
    });
  }

  async addVectors(): Promise<never> {
    throw new Error("A Newsdesk index is read-only here: add articles to the corpus folder and run `npm run index`.");
  }

  async addDocuments(): Promise<never> {
    return this.addVectors();
  }
}
