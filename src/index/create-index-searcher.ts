// The retrieval adapter over a loaded index: the HNSW dense channel and the BM25 lexical channel, handed to
// the core's fusion and re-ranking as plain candidate lists.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  buildLexicalIndex,
  deserializeLexicalIndex,
  inverseDocumentFrequency,
  searchLexical,
  serializeLexicalIndex,
  type LexicalIndex,
} from "../core/lexical-index.js";
import type { ArticleSummary, PassageSearcher, TextEmbedder } from "../core/ports.js";
import type { Passage } from "../core/types.js";
import { IndexError } from "./index-layout.js";
import type { LoadedIndex } from "./load-index.js";

export const LEXICAL_FILE = "lexical.bin";

export interface IndexSearcher extends PassageSearcher {
  size: number;
}

/** Writes the lexical index of a generation; used by the index build as its ExtraWriter. */
export async function writeLexicalIndex(generationDir: string, passages: Array<Passage & { label: number }>): Promise<string[]> {
  const index = buildLexicalIndex(passages.map((p) => ({ id: String(p.label), text: p.text, title: p.title })));
  await writeFile(path.join(generationDir, LEXICAL_FILE), serializeLexicalIndex(index));
  return [LEXICAL_FILE];
}

async function readLexicalIndex(dir: string): Promise<LexicalIndex> {
  const file = path.join(dir, LEXICAL_FILE);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch {
    throw new IndexError(`The index file ${file} is missing. Run \`npm run index -- --rebuild\` to build it again.`);
  }
  try {
    return deserializeLexicalIndex(bytes);
  } catch {
    throw new IndexError(`The index file ${file} is damaged. Run \`npm run index -- --rebuild\` to build it again.`);
  }
}

export async function createIndexSearcher(loaded: LoadedIndex, embedder: TextEmbedder): Promise<IndexSearcher> {
  const lexical = await readLexicalIndex(loaded.dir);
  const index = loaded.store.index;
  const live = loaded.passagesByLabel.size;
  return {
    size: live,
    passage: (label) => loaded.passagesByLabel.get(label)!,
    async searchDense(text, k, allow) {
      if (live === 0) return [];
      const vector = await embedder.embedQuery(text);
      const filter = (label: number) => loaded.passagesByLabel.has(label) && (!allow || allow(label));
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
  const byKey = new Map<string, ArticleSummary>();
  for (const occurrences of loaded.occurrencesByLabel.values()) {
    for (const o of occurrences) {
      const key = `${o.source}\u0000${o.title}`;
      const summary = byKey.get(key);
      if (summary) summary.passages++;
      else byKey.set(key, { source: o.source, title: o.title, url: o.url, date: o.date, passages: 1 });
    }
  }
  return [...byKey.values()].sort(
    (a, b) => (b.date ?? "").localeCompare(a.date ?? "") || a.source.localeCompare(b.source),
  );
}
