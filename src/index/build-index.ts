// Corpus → passages → vectors → a new index generation, incrementally and atomically.
import { createHash } from "node:crypto";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { chunkArticle, DEFAULT_CHUNKING, type ChunkOptions } from "../core/ingest/chunk-article.js";
import type { TextEmbedder } from "../core/ports.js";
import type { Article, Passage, Skipped } from "../core/types.js";
import {
  acquireBuildLock,
  checksumFile,
  IndexError,
  MANIFEST_FILE,
  newGenerationName,
  publishGeneration,
  readCurrentGeneration,
  removeStaleGenerations,
  type PublishPhase,
  type WriteFile,
} from "./index-layout.js";
import { describeFreeSpace } from "./describe-free-space.js";
import { createIndexDraft, type DraftProgress } from "./index-draft.js";
import { openPassages, readManifest, verifyCurrentGeneration } from "./load-index.js";
import { computeManifestChecksum, DEFAULT_HNSW, MANIFEST_VERSION, type FileEntry, type HnswParams, type Manifest } from "./manifest.js";
import type { PassageStore } from "./passage-store.js";
import { graphFileName } from "./sharded-graph.js";
import { DEFAULT_EMBEDDINGS_BATCH_SIZE } from "../base/config.js";

/** How the builder reaches the corpus; the composition root passes the real readers. */
export interface CorpusReader<File extends { source: string }> {
  /** `skipFolders`: folders never read as corpus even when inside it (the index's own folder). */
  listFiles(dir: string, options?: { skipFolders?: string[] }): Promise<{ files: File[]; skipped: Skipped[] }>;
  /** `lasting`: the file can no longer be indexed (over the size limit), so its old passages go too. */
  readFile(file: File): Promise<{ bytes: Uint8Array } | { skipped: Skipped; lasting?: boolean }>;
  parseFile(source: string, bytes: Uint8Array): { articles: Article[]; skipped: Skipped[] };
}

/** Files written next to the HNSWLib files of a generation (e.g. the lexical index), built from all passages. */
export type ExtraWriter = (generationDir: string, passages: Array<{ label: number; text: string; title: string }>) => Promise<string[]>;

export interface BuildProgress {
  phase: "reading" | "embedding" | "inserting" | "writing";
  files: number;
  totalFiles: number;
  passages: number;
  embedded: number;
  toEmbed: number;
}

/**
 * Points after the writing starts, in order: args.json, passages.bin and the extras written (the graph may
 * still be inserting), then hnswlib.index written too (all but the manifest), then the publish.
 */
export type BuildPhase = "passages-written" | "vectors-written" | PublishPhase;

export interface BuildOptions<File extends { source: string }> {
  corpusDir: string;
  indexDir: string;
  corpus: CorpusReader<File>;
  embedder: TextEmbedder;
  embedderId: string;
  batchSize?: number;
  chunking?: ChunkOptions;
  hnsw?: HnswParams;
  rebuild?: boolean;
  writeExtras?: ExtraWriter;
  onProgress?: (progress: BuildProgress) => void;
  /** New vectors above which the HNSW graph is built in a worker thread; default 4096 (tests lower it). */
  workerThreshold?: number;
  /** Awaited at each BuildPhase; tests use it to kill or hold a build at an exact point. Default: nothing. */
  onPhase?: (phase: BuildPhase) => void | Promise<void>;
  /** Writes the build's small files (lock, manifest); tests pass one that fails as a full disk does. */
  writeFile?: WriteFile;
}

export interface BuildSummary {
  files: number;
  articles: number;
  chunks: number;
  embedded: number;
  reused: number;
  removed: number;
  skipped: Skipped[];
  seconds: number;
  /** False when nothing changed and the current generation was kept as it is. */
  changed: boolean;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const UNWRITABLE: Record<string, string> = {
  EROFS: "it is on a read-only file system",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a file stands where a folder of its path should be",
  ENOENT: "a folder on its path cannot be created",
};

/**
 * Creates INDEX_DIR and takes the build lock. A folder that cannot be written is an IndexError that names it
 * and what to do, not an "Unexpected error" with an errno.
 */
async function prepareIndexFolder(indexDir: string, write?: WriteFile): Promise<() => Promise<void>> {
  try {
    await mkdir(indexDir, { recursive: true });
    return await acquireBuildLock(indexDir, write);
  } catch (error) {
    if (isDiskFull(error)) throw await diskFullError(indexDir);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const why = code ? UNWRITABLE[code] : undefined;
    if (!why) throw error;
    throw new IndexError(`Cannot write the index folder ${indexDir}: ${why} (${code}). Set INDEX_DIR to a folder you can write, such as data/index.`);
  }
}

const isDiskFull = (error: unknown) => ["ENOSPC", "EDQUOT"].includes((error as NodeJS.ErrnoException | undefined)?.code ?? "");

async function diskFullError(indexDir: string): Promise<IndexError> {
  return new IndexError(
    `The disk is full while building the index in INDEX_DIR (${indexDir}): ${await describeFreeSpace(indexDir)}. ` +
      "What this build wrote was removed and the previous index is still served. Free some space on that disk, " +
      "or set INDEX_DIR to a folder on a larger one, then run `npm run index` again.",
  );
}

/**
 * Brings the index in `indexDir` up to date with the corpus: unchanged files keep their vectors, changed
 * files are re-chunked and only passages whose text is new are embedded, deleted files' passages leave the
 * index. A run that changes nothing writes nothing. A run that fails removes what it wrote.
 */
export async function buildIndex<File extends { source: string }>(options: BuildOptions<File>): Promise<BuildSummary> {
  const started = performance.now();
  const chunking = options.chunking ?? DEFAULT_CHUNKING;
  const hnsw = options.hnsw ?? DEFAULT_HNSW;
  const release = await prepareIndexFolder(options.indexDir, options.writeFile);
  try {
    // Generations of builds that died (killed, or out of disk) are garbage now that this build holds the
    // lock: freeing their space first lets a build succeed where the last one ran out of it.
    await removeStaleGenerations(options.indexDir, "");
    return await buildLocked(options, chunking, hnsw, started);
  } catch (error) {
    if (isDiskFull(error)) throw await diskFullError(options.indexDir);
    throw error;
  } finally {
    await release();
  }
}

async function buildLocked<File extends { source: string }>(
  options: BuildOptions<File>,
  chunking: ChunkOptions,
  hnsw: HnswParams,
  started: number,
): Promise<BuildSummary> {
  // The manifest alone decides what changed; the previous index is opened only when something did, so
  // a run with no change costs reading and hashing the corpus, not loading the index.
  const prior = options.rebuild ? null : await readPriorManifest(options, chunking, hnsw);
  const listing = await options.corpus.listFiles(options.corpusDir, { skipFolders: [options.indexDir] });
  const skipped = [...listing.skipped];
  const files: Record<string, FileEntry> = {};
  const changed: Array<{ source: string; passages: Passage[] }> = [];
  let articles = 0;
  let reused = 0;
  let passagesRead = 0;
  let filesRead = 0;
  // The running counts: a "reading" or "writing" report carries the embedding's latest, so that progress never
  // drops back to "0 embedded" between batches nor says "0 new passages" while writing them.
  let embedded = 0;
  let toEmbed = 0;
  const progress = (p: Partial<BuildProgress> & Pick<BuildProgress, "phase">) =>
    options.onProgress?.({ totalFiles: listing.files.length, files: filesRead, passages: passagesRead, embedded, toEmbed, ...p });
  const draftOptions = {
    embedder: options.embedder,
    batchSize: options.batchSize ?? DEFAULT_EMBEDDINGS_BATCH_SIZE,
    hnsw,
    workerThreshold: options.workerThreshold,
    onProgress: (p: DraftProgress) => {
      ({ embedded, toEmbed } = p);
      progress(p);
    },
  };
  // A fresh build streams: each file's new passages are embedded and handed to the graph while the next
  // files are read. An update must first know what changed, so it reads everything before touching the graph.
  let draft = prior ? null : createIndexDraft(draftOptions);
  try {
    for await (const [i, file, read] of readAhead(listing.files, (file) => options.corpus.readFile(file))) {
      filesRead = i + 1;
      const before = prior?.manifest.files[file.source];
      if ("skipped" in read) {
        skipped.push(read.skipped);
        // A file that could not be read this time keeps what it had: nothing is lost to a transient error.
        // One that grew past the limit does not: its old passages would be cited at lines that moved.
        if (before && !read.lasting) files[file.source] = before;
        continue;
      }
      const hash = sha256(read.bytes);
      if (before && before.hash === hash) {
        files[file.source] = before;
        articles += before.articles;
        reused += before.passages.length;
        passagesRead += before.passages.length;
        // An unchanged file is not parsed again, so what its parse skipped is reported from the manifest.
        skipped.push(...(before.skipped ?? []));
      } else {
        const parsed = options.corpus.parseFile(file.source, read.bytes);
        skipped.push(...parsed.skipped);
        const passages = parsed.articles.flatMap((a) => chunkArticle(a, chunking));
        articles += parsed.articles.length;
        passagesRead += passages.length;
        files[file.source] = { hash, articles: parsed.articles.length, passages: [] };
        if (parsed.skipped.length > 0) files[file.source].skipped = parsed.skipped;
        if (draft) files[file.source].passages = await draft.add(passages);
        else changed.push({ source: file.source, passages });
      }
      progress({ phase: "reading", files: filesRead, passages: passagesRead });
    }

    let removed = 0;
    if (prior) {
      const removedSources = Object.keys(prior.manifest.files).filter((source) => files[source]?.hash !== prior.manifest.files[source].hash);
      if (changed.length === 0 && removedSources.length === 0) {
        // Generations left by a killed build are cleared even when there is nothing new to publish.
        await removeStaleGenerations(options.indexDir, path.basename(prior.dir));
        return summarize({ files, articles, reused, embedded: 0, removed: 0, skipped, started, changed: false });
      }
      const previous = await openPreviousForUpdate(options);
      // A generation that cannot be read (or that a concurrent swap replaced) is rebuilt from scratch.
      if (previous?.dir !== prior.dir) {
        await previous?.passages.close();
        return await buildLocked({ ...options, rebuild: true }, chunking, hnsw, started);
      }
      try {
        draft = createIndexDraft({ ...draftOptions, previous });
      } finally {
        await previous.passages.close();
      }
      for (const source of removedSources) removed += draft.remove(prior.manifest.files[source].passages);
      for (const { source, passages } of changed) files[source].passages = await draft.add(passages);
    }

    await draft!.flush();
    progress({ phase: "writing", files: filesRead, passages: passagesRead });
    const generationDir = path.join(options.indexDir, newGenerationName());
    try {
      return await writeGeneration(generationDir, removed);
    } catch (error) {
      await removeUnpublished(options.indexDir, generationDir);
      throw error;
    }
  } finally {
    await draft?.close();
  }

  async function writeGeneration(generationDir: string, removed: number): Promise<BuildSummary> {
    await mkdir(generationDir, { recursive: true });
    const written = await draft!.write(generationDir, {
      writeExtras: options.writeExtras ?? (async () => []),
      onPassagesWritten: async () => options.onPhase?.("passages-written"),
    });
    await options.onPhase?.("vectors-written");
    const fileSizes: Record<string, number> = {};
    const checksums: Record<string, string> = {};
    for (const name of written.files) {
      fileSizes[name] = (await stat(path.join(generationDir, name))).size;
      checksums[name] = await checksumFile(path.join(generationDir, name));
    }
    const manifest: Manifest = {
      version: MANIFEST_VERSION,
      embedder: { id: options.embedderId, dimensions: written.dimensions },
      chunking,
      hnsw,
      files,
      graphSize: written.graphSize,
      skipped,
      fileSizes,
      checksums,
      builtAt: new Date().toISOString(),
      startedAt: new Date(performance.timeOrigin + started).toISOString(),
    };
    manifest.checksum = computeManifestChecksum(manifest);
    await (options.writeFile ?? writeFile)(path.join(generationDir, MANIFEST_FILE), JSON.stringify(manifest));
    await publishGeneration(options.indexDir, generationDir, options.onPhase);
    return summarize({ files, articles, reused, embedded: written.embedded, removed, skipped, started, changed: true });
  }
}

/** After a failed write: the generation and CURRENT.tmp go, unless the swap already made it the served one. */
async function removeUnpublished(indexDir: string, generationDir: string): Promise<void> {
  const served = await readCurrentGeneration(indexDir).catch(() => null);
  if (served === generationDir) return;
  await rm(generationDir, { recursive: true, force: true }).catch(() => {});
  await rm(path.join(indexDir, "CURRENT.tmp"), { force: true }).catch(() => {});
}

/** Files read at once ahead of the one being processed: a re-index mostly waits on thousands of small reads. */
const READ_AHEAD = 16;

/** Each file with its read, in order, with up to READ_AHEAD reads in flight. */
async function* readAhead<File, Read>(files: readonly File[], read: (file: File) => Promise<Read>): AsyncGenerator<[number, File, Read]> {
  const inFlight: Array<Promise<Read>> = [];
  let next = 0;
  for (let i = 0; i < files.length; i++) {
    for (; next < files.length && next <= i + READ_AHEAD; next++) {
      const reading = read(files[next]);
      // Awaited in turn below; this only keeps an early failure from counting as unhandled meanwhile.
      reading.catch(() => {});
      inFlight.push(reading);
    }
    yield [i, files[i], await inFlight.shift()!];
  }
}

/** The served generation's manifest when it can be updated in place: same version, embedder and settings. */
async function readPriorManifest<File extends { source: string }>(
  options: BuildOptions<File>,
  chunking: ChunkOptions,
  hnsw: HnswParams,
): Promise<{ dir: string; manifest: Manifest } | null> {
  try {
    const dir = await readCurrentGeneration(options.indexDir);
    if (!dir) return null;
    const manifest = await readManifest(dir);
    const updatable =
      manifest.version === MANIFEST_VERSION &&
      manifest.embedder?.id === options.embedderId &&
      typeof manifest.files === "object" &&
      JSON.stringify(manifest.chunking) === JSON.stringify(chunking) &&
      JSON.stringify(manifest.hnsw) === JSON.stringify(hnsw);
    return updatable ? { dir, manifest } : null;
  } catch (error) {
    // A damaged index is rebuilt from scratch rather than patched.
    if (error instanceof IndexError) return null;
    throw error;
  }
}

/** What an update needs of the served generation: its passages and its graph file, both checked. */
async function openPreviousForUpdate<File extends { source: string }>(
  options: BuildOptions<File>,
): Promise<{ dir: string; passages: PassageStore; graphFiles: string[]; dimensions: number; graphSize: number } | null> {
  try {
    const verified = await verifyCurrentGeneration(options.indexDir, options.embedderId);
    if (!verified) return null;
    const { dir, manifest } = verified;
    const passages = await openPassages(dir, manifest);
    const graphFiles = Array.from({ length: manifest.hnsw.shards }, (_, shard) => path.join(dir, graphFileName(shard)));
    return { dir, passages, graphFiles, dimensions: manifest.embedder.dimensions, graphSize: manifest.graphSize };
  } catch (error) {
    if (error instanceof IndexError) return null;
    throw error;
  }
}

function summarize(s: {
  files: Record<string, FileEntry>;
  articles: number;
  reused: number;
  embedded: number;
  removed: number;
  skipped: Skipped[];
  started: number;
  changed: boolean;
}): BuildSummary {
  const chunks = Object.values(s.files).reduce((n, f) => n + f.passages.length, 0);
  return {
    files: Object.keys(s.files).length,
    articles: s.articles,
    chunks,
    embedded: s.embedded,
    reused: s.reused,
    removed: s.removed,
    skipped: s.skipped,
    seconds: Math.round((performance.now() - s.started) / 10) / 100,
    changed: s.changed,
  };
}
