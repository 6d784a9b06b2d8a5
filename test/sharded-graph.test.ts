// Shards of one HNSW graph, searched as one: the merged neighbours are the closest of all shards.
import hnswlib from "hnswlib-node";
import { describe, expect, it } from "vitest";
import { createShardedGraph, graphFileName, shardOf } from "../src/index/sharded-graph.js";

function vectorOf(label: number): number[] {
  return [Math.cos(label / 7), Math.sin(label / 7), (label % 5) / 5, 1];
}

function shardedOver(labels: number[], shards: number) {
  const graphs = Array.from({ length: shards }, () => {
    const graph = new hnswlib.HierarchicalNSW("cosine", 4);
    graph.initIndex({ maxElements: labels.length, m: 16, efConstruction: 100 });
    return graph;
  });
  for (const label of labels) graphs[shardOf(label, shards)].addPoint(vectorOf(label), label);
  return createShardedGraph(graphs);
}

describe("sharded graph", () => {
  it("GIVEN labels dealt to two shards THEN search returns the closest of both, closest first, like one graph", () => {
    const labels = Array.from({ length: 60 }, (_, i) => i);
    const sharded = shardedOver(labels, 2);
    const single = shardedOver(labels, 1);
    sharded.setEf(200);
    single.setEf(200);
    const query = [0.3, 0.9, 0.4, 1];
    const result = sharded.searchKnn(query, 8);
    expect(result.neighbors).toEqual(single.searchKnn(query, 8).neighbors);
    expect(new Set(result.neighbors.map((label) => shardOf(label, 2)))).toEqual(new Set([0, 1]));
    expect([...result.distances].sort((a, b) => a - b)).toEqual(result.distances);
    expect(sharded.getCurrentCount()).toBe(60);
    expect(sharded.getIdsList().sort((a, b) => a - b)).toEqual(labels);
    expect(sharded.getPoint(41).length).toBe(4);
    expect(sharded.getEf()).toBe(200);
  });

  it("GIVEN a filter THEN every shard applies it", () => {
    const sharded = shardedOver(
      Array.from({ length: 30 }, (_, i) => i),
      3,
    );
    const result = sharded.searchKnn([1, 0, 0, 1], 5, (label) => label % 2 === 0);
    expect(result.neighbors).toHaveLength(5);
    expect(result.neighbors.every((label) => label % 2 === 0)).toBe(true);
  });

  it("GIVEN shard numbers THEN the first shard keeps LangChain HNSWLib's file name", () => {
    expect([0, 1, 2].map(graphFileName)).toEqual(["hnswlib.index", "hnswlib-1.index", "hnswlib-2.index"]);
  });
});
