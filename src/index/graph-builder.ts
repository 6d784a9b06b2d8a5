// The HNSW graph of a build, behind one interface: in the build's own thread, or in a worker thread
// (graph-builder-worker.ts) so that insertion, most of a large build's time, runs on one core while the
// main thread reads, chunks and embeds on the other. Batches go to the worker as they are embedded; `add`
// waits only when too many are queued.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { addVectors, openGraph, writeGraph, type GraphSpec } from "./hnsw-graph.js";

export type GraphRequest =
  | { type: "open"; spec: GraphSpec }
  | { type: "add"; labels: Float64Array; dimensions: number; vectors: Float32Array }
  | { type: "write"; file: string; deleted: number[] }
  | { type: "stop" };

export type GraphReply =
  | { type: "opened"; count: number }
  | { type: "added" }
  | { type: "written"; count: number }
  | { type: "failed"; message: string };
type Answered = Exclude<GraphReply, { type: "failed" }>;

/**
 * Batches queued in the worker before `add` waits: 64 batches of 256 vectors are about 15 s of insertion,
 * enough to cover the main thread's longest stretch without sending (building the lexical index), while the
 * queued vectors stay near 32 MB.
 */
const MAX_QUEUED_BATCHES = 64;

export interface GraphBuilder {
  /** Vectors in the graph when it was opened (the previous generation's, deleted ones included). */
  readonly initialCount: number;
  readonly dimensions: number;
  /** Inserts (or queues) `vectors` (rows of `dimensions` floats), row i as `labels[i]`. */
  add(labels: Float64Array, vectors: Float32Array): Promise<void>;
  /** Marks `deleted` labels, writes the graph to `file` (LangChain HNSWLib's hnswlib.index) and returns its size. */
  write(file: string, deleted: number[]): Promise<number>;
  /** Stops the worker, if any; pending calls reject. */
  close(): Promise<void>;
}

export class GraphBuildError extends Error {
  override name = "GraphBuildError";
}

/** Rows of `dimensions` floats, one per vector, checked against the graph's dimensions. */
export function packVectors(vectors: number[][], dimensions: number): Float32Array {
  const packed = new Float32Array(vectors.length * dimensions);
  vectors.forEach((vector, i) => {
    if (vector.length !== dimensions)
      throw new GraphBuildError(`The embedder returned a vector of ${vector.length} dimensions, expected ${dimensions}.`);
    packed.set(vector, i * dimensions);
  });
  return packed;
}

/** The graph in the calling thread: for builds too small to repay a worker's start (about a second under tsx). */
export async function openGraphHere(spec: GraphSpec): Promise<GraphBuilder> {
  const graph = await openGraph(spec);
  return {
    initialCount: graph.getCurrentCount(),
    dimensions: spec.dimensions,
    async add(labels, vectors) {
      addVectors(graph, labels, spec.dimensions, vectors);
    },
    write: (file, deleted) => writeGraph(graph, file, deleted),
    async close() {},
  };
}

function startWorker(workerData: { stop: Int32Array }): Worker {
  const compiled = !import.meta.url.endsWith(".ts");
  const entry = new URL(`./graph-builder-worker.${compiled ? "js" : "ts"}`, import.meta.url);
  if (compiled) return new Worker(entry, { workerData });
  // Running from TypeScript sources (tsx, vitest): Node cannot load .ts by itself, so the worker registers tsx first.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * How long a stopping worker may take to finish the batch it is inserting before it is terminated. Never
 * reached in practice: terminating a worker inside hnswlib-node's addPoint aborts the whole process
 * (a native exception thrown while the worker's environment is torn down), so it is only the last resort.
 */
const STOP_TIMEOUT_MS = 30_000;

/** The graph in a worker thread of its own. */
export async function openGraphInWorker(spec: GraphSpec): Promise<GraphBuilder> {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = startWorker({ stop });
  // Replies arrive in request order; each pending request waits for its own.
  const pending: Array<{ resolve(reply: Answered): void; reject(error: Error): void }> = [];
  const waiting: Array<() => void> = [];
  let queued = 0;
  let failure: Error | undefined;
  let crashed = false;
  const fail = (error: Error) => {
    failure ??= error;
    for (const request of pending.splice(0)) request.reject(failure);
    for (const wake of waiting.splice(0)) wake();
  };
  worker.on("message", (reply: GraphReply) => {
    const request = pending.shift();
    if (reply.type !== "failed") return request?.resolve(reply);
    const error = new GraphBuildError(`Building the HNSW graph failed: ${reply.message}`);
    request?.reject(error);
    fail(error);
  });
  worker.on("error", (error) => {
    crashed = true;
    fail(new GraphBuildError(`The HNSW worker crashed: ${error.message}`));
  });
  worker.on("exit", (code) => {
    crashed = true;
    fail(new GraphBuildError(`The HNSW worker stopped (exit code ${code}).`));
  });

  const send = (request: GraphRequest, transfer: ArrayBuffer[] = []): Promise<Answered> => {
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      pending.push({ resolve, reject });
      worker.postMessage(request, transfer);
    });
  };

  /** Drops the queued batches, lets the batch in hand finish, and waits for the worker to end. */
  const stopWorker = async () => {
    Atomics.store(stop, 0, 1);
    worker.removeAllListeners("exit");
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    if (crashed) {
      await worker.terminate();
      return;
    }
    worker.postMessage({ type: "stop" } satisfies GraphRequest);
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  let opened: Answered;
  try {
    opened = await send({ type: "open", spec });
  } catch (error) {
    await stopWorker();
    throw error;
  }
  return {
    initialCount: opened.type === "opened" ? opened.count : 0,
    dimensions: spec.dimensions,
    async add(labels, vectors) {
      queued++;
      // Not awaited: the reply only frees a place in the queue. A failure surfaces at the next call.
      send({ type: "add", labels, dimensions: spec.dimensions, vectors }, [labels.buffer as ArrayBuffer, vectors.buffer as ArrayBuffer]).then(
        () => {
          queued--;
          waiting.shift()?.();
        },
        () => {},
      );
      while (queued >= MAX_QUEUED_BATCHES && !failure) await new Promise<void>((wake) => waiting.push(wake));
      if (failure) throw failure;
    },
    async write(file, deleted) {
      const reply = await send({ type: "write", file, deleted });
      return reply.type === "written" ? reply.count : 0;
    },
    close: stopWorker,
  };
}
