// The three things a build does to an HNSW graph, used in the build's thread for small builds and in the
// graph worker for large ones (graph-builder.ts decides).
import hnswlib from "hnswlib-node";

export interface GraphSpec {
  dimensions: number;
  m: number;
  efConstruction: number;
  /** Expected number of vectors; the graph grows beyond it when needed. */
  capacity: number;
  /** A previous hnswlib.index to extend (its checksum already verified) instead of an empty graph. */
  from?: string;
}

export async function openGraph(spec: GraphSpec): Promise<hnswlib.HierarchicalNSW> {
  const graph = new hnswlib.HierarchicalNSW("cosine", spec.dimensions);
  if (spec.from) await graph.readIndex(spec.from);
  else graph.initIndex({ maxElements: Math.max(spec.capacity, 1), m: spec.m, efConstruction: spec.efConstruction });
  return graph;
}

/** Inserts `vectors` (consecutive rows of `dimensions` floats), row i as `labels[i]`. */
export function addVectors(graph: hnswlib.HierarchicalNSW, labels: Float64Array, dimensions: number, vectors: Float32Array): void {
  const needed = graph.getCurrentCount() + labels.length;
  // Grows by doubling: a streamed build does not know its final size in advance.
  if (needed > graph.getMaxElements()) graph.resizeIndex(Math.max(needed, 2 * graph.getMaxElements()));
  for (const [i, label] of labels.entries()) graph.addPoint(Array.from(vectors.subarray(i * dimensions, (i + 1) * dimensions)), label);
}

/** Marks `deleted` labels and writes the graph (LangChain HNSWLib's hnswlib.index); returns its element count. */
export async function writeGraph(graph: hnswlib.HierarchicalNSW, file: string, deleted: readonly number[]): Promise<number> {
  for (const label of deleted) graph.markDelete(label);
  await graph.writeIndex(file);
  return graph.getCurrentCount();
}
