// LangChain's docstore interface over a passage store, so that HNSWLib's own similaritySearch (and anything
// built on it, such as `asRetriever()`) returns Documents without the index holding every passage in memory.
import { Document } from "@langchain/core/documents";
import { SynchronousInMemoryDocstore } from "@langchain/classic/stores/doc/in_memory";
import type { StoredDocMetadata } from "./manifest.js";
import type { PassageStore } from "./passage-store.js";

export class PassageDocstore extends SynchronousInMemoryDocstore {
  constructor(private readonly passages: PassageStore) {
    super();
  }

  /** The document for an HNSW label (LangChain asks by the label as a string). */
  override search(label: string): Document {
    const n = Number(label);
    if (!Number.isInteger(n) || !this.passages.has(n)) throw new Error(`ID ${label} not found.`);
    const metadata: StoredDocMetadata = { occurrences: this.passages.occurrences(n) };
    return new Document({ pageContent: this.passages.passage(n).text, metadata });
  }

  /** The index on disk is written whole by a build; adding documents here would be lost. */
  override add(): void {
    throw new Error("An opened Newsdesk index is read-only; run `npm run index` to add passages.");
  }
}
