// A generation being built: its documents by HNSW label (one per distinct passage text, remembering every
// place the text occurs), the graph growing in its worker, and the writing of both. New texts are embedded
// in batches as soon as a batch is full, so a fresh build embeds and inserts while it is still reading.
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { TextEmbedder } from "../core/ports.js";
import type { Passage } from "../core/types.js";
import { openGraphHere, openGraphInWorker, packVectors, type GraphBuilder } from "./graph-builder.js";
import type { GraphSpec } from "./hnsw-graph.js";
import { graphFileName, shardOf } from "./sharded-graph.js";
import { IndexError } from "./index-layout.js";
import type { HnswParams, StoredOccurrence } from "./manifest.js";
import { PASSAGES_FILE, writePassageStore, type PassageStore } from "./passage-store.js";

export interface DraftProgress {
  phase: "embedding" | "inserting";
  /** Texts embedded so far, and texts known to need it so far. */
  embedded: number;
  toEmbed: number;
}

export interface DraftOptions {
  embedder: TextEmbedder;
  batchSize: number;
  hnsw: HnswParams;
  /** The generation being updated: its passages, its graph's shard files (checksums verified), dimensions and size. */
  previous?: { passages: PassageStore; graphFiles: string[]; dimensions: number; graphSize: number };
  onProgress(progress: DraftProgress): void;
  /** New vectors above which the graph is built in a worker thread (default WORKER_THRESHOLD). */
  workerThreshold?: number;
}

/** Files of the generation written before the graph, and the point between (for tests that kill a build there). */
export interface DraftWriteOptions {
  writeExtras(dir: string, passages: Array<{ label: number; text: string; title: string }>): Promise<string[]>;
  onPassagesWritten(): Promise<void>;
}

export interface IndexDraft {
  /** Adds a file's passages: each joins a document with the same text, or gets a new label and a vector. */
  add(passages: Passage[]): Promise<Array<{ id: string; label: number }>>;
  /** Embeds and hands over the texts still waiting for a full batch. */
  flush(): Promise<void>;
  /** Removes passage occurrences (of a changed or deleted file); returns how many were found. */
  remove(entries: ReadonlyArray<{ id: string; label: number }>): number;
  /** Writes args.json, passages.bin, the extras and the graph's shards into `dir`; returns what it wrote. */
  write(dir: string, options: DraftWriteOptions): Promise<{ files: string[]; dimensions: number; embedded: number; graphSize: number }>;
  /** Stops the graph worker (after `write`, or when the build gives up). */
  close(): Promise<void>;
}

interface Doc {
  text: string;
  occurrences: StoredOccurrence[];
}

const textKey = (text: string) => createHash("sha256").update(text).digest("base64url");

/**
 * New vectors held back before the graph opens: a build that stays below this inserts them in its own
 * thread at the end (a worker costs about a second to start under tsx, as in tests); one that passes it
 * moves the graph to a worker and streams from then on.
 */
const WORKER_THRESHOLD = 4096;

export function createIndexDraft(options: DraftOptions): IndexDraft {
  const docs = new Map<number, Doc>();
  const labelByText = new Map<string, number>();
  const orphans = new Set<number>();
  // One graph per shard, opened once the build is known to be large (in workers) or at the end (here).
  let graphs: GraphBuilder[] | undefined;
  const shards = options.hnsw.shards;
  const previous = options.previous;
  let dimensions = previous?.dimensions;
  let nextLabel = previous?.graphSize ?? 0;
  if (previous) {
    for (const label of previous.passages.labels) {
      const text = previous.passages.passage(label).text;
      docs.set(label, { text, occurrences: previous.passages.occurrences(label) });
      labelByText.set(textKey(text), label);
    }
  }
  const graphSpec = (shard: number, capacity: number): GraphSpec => ({
    dimensions: dimensions!,
    m: options.hnsw.m,
    efConstruction: options.hnsw.efConstruction,
    capacity: Math.ceil(capacity / shards),
    from: previous?.graphFiles[shard],
  });

  // New texts in label order; those from `sent` on have no vector yet.
  const firstNewLabel = nextLabel;
  const newTexts: string[] = [];
  let sent = 0;
  let embedded = 0;
  const held: Array<{ firstLabel: number; vectors: Float32Array }> = [];

  /** Rows of a batch (labels firstLabel, firstLabel + 1, …) dealt to their shards. */
  const addToShards = async (opened: GraphBuilder[], firstLabel: number, vectors: Float32Array) => {
    const rows = vectors.length / dimensions!;
    for (let shard = 0; shard < shards; shard++) {
      const labels: number[] = [];
      for (let i = 0; i < rows; i++) if (shardOf(firstLabel + i, shards) === shard) labels.push(firstLabel + i);
      const part = new Float32Array(labels.length * dimensions!);
      for (const [j, label] of labels.entries())
        part.set(vectors.subarray((label - firstLabel) * dimensions!, (label - firstLabel + 1) * dimensions!), j * dimensions!);
      if (labels.length > 0) await opened[shard].add(Float64Array.from(labels), part);
    }
  };

  const openWith = async (open: typeof openGraphHere, capacity: number) => {
    const opened = await Promise.all(Array.from({ length: shards }, (_, shard) => open(graphSpec(shard, capacity))));
    const count = opened.reduce((n, graph) => n + graph.initialCount, 0);
    if (previous && count !== previous.graphSize) {
      await Promise.all(opened.map((graph) => graph.close()));
      throw new IndexError(
        `The graph of ${previous.graphFiles[0]} holds ${count} vectors where its manifest says ${previous.graphSize}. Run \`npm run index -- --rebuild\`.`,
      );
    }
    for (const batch of held.splice(0)) await addToShards(opened, batch.firstLabel, batch.vectors);
    return opened;
  };

  const insert = async (firstLabel: number, vectors: Float32Array) => {
    if (graphs) return addToShards(graphs, firstLabel, vectors);
    held.push({ firstLabel, vectors });
    if (embedded >= (options.workerThreshold ?? WORKER_THRESHOLD)) graphs = await openWith(openGraphInWorker, Math.max(4 * embedded, 1024));
  };

  const sendBatch = async (texts: string[], firstLabel: number) => {
    options.onProgress({ phase: "embedding", embedded, toEmbed: nextLabel - firstNewLabel });
    const vectors = await options.embedder.embedDocuments(texts);
    if (vectors.length !== texts.length) throw new IndexError(`The embedder returned ${vectors.length} vectors for ${texts.length} texts.`);
    embedded += texts.length;
    options.onProgress({ phase: "inserting", embedded, toEmbed: nextLabel - firstNewLabel });
    dimensions ??= vectors[0].length;
    await insert(firstLabel, packVectors(vectors, dimensions));
  };

  const sendFullBatches = async (all: boolean) => {
    while (newTexts.length - sent >= options.batchSize || (all && newTexts.length > sent)) {
      const texts = newTexts.slice(sent, sent + options.batchSize);
      const firstLabel = firstNewLabel + sent;
      sent += texts.length;
      await sendBatch(texts, firstLabel);
    }
  };

  return {
    async add(passages) {
      const labels: Array<{ id: string; label: number }> = [];
      for (const passage of passages) {
        const { text, duplicates: _duplicates, ...occurrence } = passage;
        const key = textKey(text);
        let label = labelByText.get(key);
        if (label !== undefined) {
          docs.get(label)!.occurrences.push(occurrence);
          orphans.delete(label);
        } else {
          label = nextLabel++;
          labelByText.set(key, label);
          docs.set(label, { text, occurrences: [occurrence] });
          newTexts.push(text);
        }
        labels.push({ id: passage.id, label });
      }
      await sendFullBatches(false);
      return labels;
    },

    flush: () => sendFullBatches(true),

    remove(entries) {
      let removed = 0;
      for (const { id, label } of entries) {
        const doc = docs.get(label);
        if (!doc) continue;
        doc.occurrences = doc.occurrences.filter((o) => o.id !== id);
        removed++;
        if (doc.occurrences.length === 0) orphans.add(label);
      }
      return removed;
    },

    async write(dir, writeOptions) {
      await sendFullBatches(true);
      for (const label of orphans) {
        labelByText.delete(textKey(docs.get(label)!.text));
        docs.delete(label);
      }
      if (!graphs) {
        // A small build (or an empty corpus, which still gets an empty graph of the embedder's dimensions).
        dimensions ??= (await options.embedder.embedQuery("dimension probe")).length;
        graphs = await openWith(openGraphHere, Math.max(embedded, shards));
      }
      // The workers finish their queued batches and write the shards while passages and extras are written here.
      const shardFiles = graphs.map((_, shard) => graphFileName(shard));
      const graphWritten = Promise.all(
        graphs.map((graph, shard) =>
          graph.write(
            path.join(dir, shardFiles[shard]),
            [...orphans].filter((label) => shardOf(label, shards) === shard),
          ),
        ),
      );
      graphWritten.catch(() => {});
      await writeFile(path.join(dir, "args.json"), JSON.stringify({ space: "cosine", numDimensions: dimensions, shards }));
      const stored = [...docs.entries()].map(([label, d]) => ({ label, text: d.text, occurrences: d.occurrences }));
      await writePassageStore(path.join(dir, PASSAGES_FILE), stored);
      const extras = await writeOptions.writeExtras(
        dir,
        stored.map((d) => ({ label: d.label, text: d.text, title: d.occurrences[0].title })),
      );
      await writeOptions.onPassagesWritten();
      const graphSize = (await graphWritten).reduce((n, count) => n + count, 0);
      return { files: [...shardFiles, "args.json", PASSAGES_FILE, ...extras], dimensions: dimensions!, embedded, graphSize };
    },

    async close() {
      await Promise.all((graphs ?? []).map((graph) => graph.close()));
    },
  };
}
