// The HNSW graph of a large build, in a worker thread of its own: insertion is most of a build's time and
// hnswlib-node inserts on the calling thread, so here it runs on one core while the build's main thread
// reads, chunks and embeds on the other. Messages are GraphRequest in, GraphReply out (graph-builder.ts).
import { parentPort, workerData } from "node:worker_threads";
import type hnswlib from "hnswlib-node";
import type { GraphReply, GraphRequest } from "./graph-builder.js";
import { addVectors, openGraph, writeGraph } from "./hnsw-graph.js";

let graph: hnswlib.HierarchicalNSW | undefined;
/** Set by the build when it gives up: queued batches are dropped instead of inserted. */
const stopping = (workerData as { stop: Int32Array }).stop;

async function handle(request: Exclude<GraphRequest, { type: "stop" }>): Promise<GraphReply> {
  switch (request.type) {
    case "open":
      graph = await openGraph(request.spec);
      return { type: "opened", count: graph.getCurrentCount() };
    case "add":
      if (Atomics.load(stopping, 0) === 0) addVectors(graph!, request.labels, request.dimensions, request.vectors);
      return { type: "added" };
    case "write":
      return { type: "written", count: await writeGraph(graph!, request.file, request.deleted) };
  }
}

// Requests are handled strictly in order (an add must not overtake the open before it).
let queue = Promise.resolve();
parentPort!.on("message", (request: GraphRequest) => {
  // Closing the port ends the worker the natural way, after the request in hand: never inside hnswlib.
  if (request.type === "stop") {
    queue = queue.then(() => parentPort!.close());
    return;
  }
  queue = queue.then(async () => {
    let reply: GraphReply;
    try {
      reply = await handle(request);
    } catch (error) {
      reply = { type: "failed", message: error instanceof Error ? error.message : String(error) };
    }
    parentPort!.postMessage(reply);
  });
});
