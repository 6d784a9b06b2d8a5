// Scratch (helper-10): text-only rank-1 misses with and without the semantic features.
import { readFile } from "node:fs/promises";
import { createEmbedder } from "../src/app.js";
import { configFor } from "../src/cli/cli-io.js";
import { firstHitRank, parseEvalQuestions } from "../src/core/eval-metrics.js";
import { DEFAULT_RETRIEVAL, retrieveHybrid } from "../src/core/retrieve.js";
import { createIndexSearcher } from "../src/index/create-index-searcher.js";
import { openIndexGeneration } from "../src/index/load-index.js";
import { loadWordVectors } from "../src/providers/word-vectors.js";
const config = configFor({ env: process.env } as never, "../shared/datasets/news-eval");
const { embedder, id } = await createEmbedder(config);
const loaded = (await openIndexGeneration(config.INDEX_DIR, embedder, { expectedEmbedderId: id, ef: config.HNSW_EF }))!;
const searcher = await createIndexSearcher(loaded, embedder);
const wv = (await loadWordVectors())!;
const withVectors = { ...searcher, wordVector: wv.lookup };
const semantic = { ...DEFAULT_RETRIEVAL, weights: { ...DEFAULT_RETRIEVAL.weights, softTerms: 3, sif: 0.1 } };
const { questions } = parseEvalQuestions(await readFile("../shared/datasets/news-eval/qa-dev.jsonl", "utf8"));
const dates = process.env.DATES === "1";
const times: Record<string, number[]> = { base: [], semantic: [] };
const hits: Record<string, number[]> = { base: [0, 0], semantic: [0, 0] };
for (const q of questions.filter((q) => !q.unanswerable && q.gold.length > 0)) {
  const asOf = dates ? q.date : undefined;
  let t = performance.now();
  const base = await retrieveHybrid(searcher, { text: q.question, k: 10, asOf });
  times.base.push(performance.now() - t);
  t = performance.now();
  const sem = await retrieveHybrid(withVectors, { text: q.question, k: 10, asOf }, semantic);
  times.semantic.push(performance.now() - t);
  const rb = firstHitRank(base.map((r) => r.passage), q.gold), rs = firstHitRank(sem.map((r) => r.passage), q.gold);
  for (const [name, r] of [["base", rb], ["semantic", rs]] as const) { if (r === 0) hits[name][0]++; if (r >= 0 && r < 5) hits[name][1]++; }
  if (rb !== rs && (rb === 0 || rs === 0 || rb < 0 || rs < 0 || rb >= 5 || rs >= 5)) console.log(`base ${rb} → semantic ${rs} | ${q.question.slice(0, 110)}\n    gold: ${base.find((r) => firstHitRank([r.passage], q.gold) === 0)?.passage.title ?? "?"} | base top: ${base[0].passage.title.slice(0, 70)} | sem top: ${sem[0].passage.title.slice(0, 70)}`);
}
const p = (xs: number[], q: number) => xs.slice().sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))].toFixed(1);
for (const name of ["base", "semantic"]) console.log(name, "hit@1", (hits[name][0] / 96).toFixed(3), "hit@5", (hits[name][1] / 96).toFixed(3), "p50", p(times[name], 0.5), "p95", p(times[name], 0.95));
