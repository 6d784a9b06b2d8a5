// The full hybrid pipeline (dense + BM25, fused, re-ranked, diversified) as a LangChain retriever, so a
// LangChain.js chain can use Newsdesk's retrieval: `retriever.pipe(formatDocs)`, `RunnableSequence.from(…)`.
import type { CallbackManagerForRetrieverRun } from "@langchain/core/callbacks/manager";
import type { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import { checkFilters } from "../core/retrieval/match-filters.js";
import type { Pipeline } from "../core/ports.js";
import type { SearchFilters } from "../core/types.js";
import { toPassageDocument, type PassageMetadata } from "./passage-document.js";

export interface NewsdeskRetrieverInput extends BaseRetrieverInput {
  pipeline: Pick<Pipeline, "search">;
  /** Passages per query (the pipeline's default when unset). */
  k?: number;
  filters?: SearchFilters;
  /** Reference date (ISO) for recency words such as "this week". */
  asOf?: string;
}

export class NewsdeskRetriever extends BaseRetriever<PassageMetadata> {
  static override lc_name(): string {
    return "NewsdeskRetriever";
  }

  override lc_namespace = ["newsdesk", "retrievers"];

  private readonly pipeline: Pick<Pipeline, "search">;
  readonly k?: number;
  readonly filters?: SearchFilters;
  readonly asOf?: string;

  /** Throws a RangeError naming the filter when `filters` can never be used (a glob past its bounds, a bad date). */
  constructor(fields: NewsdeskRetrieverInput) {
    super(fields);
    const problem = checkFilters(fields.filters, { source: "filters.source", since: "filters.since", until: "filters.until" });
    if (problem) throw new RangeError(`NewsdeskRetriever: ${problem}`);
    this.pipeline = fields.pipeline;
    this.k = fields.k;
    this.filters = fields.filters;
    this.asOf = fields.asOf;
  }

  override async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<Document<PassageMetadata>[]> {
    const { results } = await this.pipeline.search(query, { k: this.k, filters: this.filters, asOf: this.asOf });
    return results.map(({ passage, score }) => toPassageDocument(passage, score));
  }
}
