// Fits the re-ranker's weights on an eval file, over the real index (build it first: `npm run eval` does).
//   npx tsx scripts/tune-retrieval.ts --qa FILE --corpus DIR [--no-dates] [--folds 4]
// Prints each single-channel baseline, the weights fitted on all questions (paste them into
// src/core/retrieval/retrieval-settings.ts), a k-fold cross-validated estimate (the honest number), and an
// ablation of each feature. Article-level ranks unless the gold names lines.
import "dotenv/config";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createEmbedder } from "../src/app/open-pipeline.js";
import { configFor } from "../src/cli/cli-io.js";
import { firstHitRank, parseEvalQuestions } from "../src/eval/eval-metrics.js";
import { inverseDocumentFrequency } from "../src/core/lexical/lexical-index.js";
import { diversify } from "../src/core/retrieval/diversify-results.js";
import { fuseRankings } from "../src/core/retrieval/fuse-rankings.js";
import { profileQuery } from "../src/core/retrieval/profile-query.js";
import { rerank } from "../src/core/retrieval/rerank-candidates.js";
import { DEFAULT_RETRIEVAL, FEATURE_NAMES, type RerankWeights } from "../src/core/retrieval/retrieval-settings.js";
import { createIndexSearcher } from "../src/index/create-index-searcher.js";
import { openIndexGeneration } from "../src/index/load-index.js";

const { values } = parseArgs({
  options: {
    qa: { type: "string" },
    corpus: { type: "string" },
    "no-dates": { type: "boolean", default: false },
    folds: { type: "string", default: "4" },
    /** Start from the shipped weights instead of BM25 alone. */
    "from-shipped": { type: "boolean", default: false },
    /** Comma-separated features to fit (default: all). */
    free: { type: "string" },
  },
});
if (!values.qa) throw new Error("--qa FILE is required");
const config = configFor({ env: process.env } as never, values.corpus);
const { embedder, id } = await createEmbedder(config);
const loaded = await openIndexGeneration(config.INDEX_DIR, { expectedEmbedderId: id, ef: config.HNSW_EF });
if (!loaded) throw new Error(`No index in ${config.INDEX_DIR}: run npm run eval (or npm run index) with this corpus first.`);
const searcher = await createIndexSearcher(loaded, embedder);
const lexical = loaded.lexical;
const idf = (term: string) => inverseDocumentFrequency(lexical, term);
const { questions } = parseEvalQuestions(await readFile(values.qa, "utf8"));
const answerable = questions.filter((q) => !q.unanswerable && q.gold.length > 0);

interface Row {
  features: number[];
  passage: ReturnType<typeof searcher.passage>;
}
const pools: { rows: Row[]; gold: (typeof answerable)[number]["gold"] }[] = [];
const depth = DEFAULT_RETRIEVAL.channelDepth;
for (const q of answerable) {
  const [dense, lex] = [await searcher.searchDense(q.question, depth), searcher.searchLexical(q.question, depth)];
  const fused = fuseRankings(
    lex.map((c) => ({ id: String(c.label), score: c.score })),
    dense.map((c) => ({ id: String(c.label), distance: 1 - c.score })),
    DEFAULT_RETRIEVAL.fusion,
  ).slice(0, DEFAULT_RETRIEVAL.poolSize);
  const query = profileQuery(q.question, idf, values["no-dates"] ? undefined : q.date);
  const scored = rerank(
    query,
    fused.map((f) => ({ passage: searcher.passage(Number(f.id)), lexicalScore: f.lexicalScore, denseDistance: f.denseDistance })),
    DEFAULT_RETRIEVAL.weights,
    { allFeatures: true },
  );
  pools.push({ rows: scored.map((s) => ({ features: FEATURE_NAMES.map((n) => s.features[n]), passage: s.passage })), gold: q.gold });
}

type Metrics = { h1: number; h5: number; h10: number; mrr: number };
function evaluate(weights: number[], subset: number[], withDiversity = false): Metrics {
  const m = { h1: 0, h5: 0, h10: 0, mrr: 0 };
  for (const i of subset) {
    const { rows, gold } = pools[i];
    let ranked = rows
      .map((r) => ({ passage: r.passage, score: r.features.reduce((s, f, j) => s + f * weights[j], 0) }))
      // Ties break as in rerank-candidates.ts, not by input order: the pools arrive in the shipped ranking, which would
      // otherwise make all-zero weights look exactly as good as the shipped ones.
      .sort((a, b) => b.score - a.score || a.passage.id.localeCompare(b.passage.id));
    if (withDiversity) ranked = diversify(ranked, DEFAULT_RETRIEVAL.diversity);
    const rank = firstHitRank(
      ranked.slice(0, 10).map((r) => r.passage),
      gold,
    );
    if (rank === 0) m.h1++;
    if (rank >= 0 && rank < 5) m.h5++;
    if (rank >= 0) {
      m.h10++;
      m.mrr += 1 / (rank + 1);
    }
  }
  const n = subset.length || 1;
  return { h1: m.h1 / n, h5: m.h5 / n, h10: m.h10 / n, mrr: m.mrr / n };
}

// The objective: MRR, with hit@1 and hit@5 as tie-breakers that matter.
const objective = (m: Metrics) => m.mrr + 0.5 * m.h1 + 0.25 * m.h5;
const GRID = [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3];
const chosen = values.free ? values.free.split(",").map((f) => f.trim()) : [...FEATURE_NAMES];
const free = FEATURE_NAMES.map((_, i) => i).filter(
  (i) => chosen.includes(FEATURE_NAMES[i]) && !(values["no-dates"] && FEATURE_NAMES[i] === "recency"),
);
const start: number[] = values["from-shipped"]
  ? FEATURE_NAMES.map((n) => DEFAULT_RETRIEVAL.weights[n])
  : FEATURE_NAMES.map((n) => (n === "lexical" ? 1 : 0));

/** Coordinate ascent over a grid, a few rounds: simple, and honest enough with cross-validation. */
function fitWeights(subset: number[]): number[] {
  let weights = start.slice();
  let best = objective(evaluate(weights, subset));
  for (let round = 0; round < 4; round++) {
    let improved = false;
    for (const j of free) {
      for (const value of GRID) {
        const trial = weights.slice();
        trial[j] = value;
        const score = objective(evaluate(trial, subset));
        if (score > best + 1e-9) {
          best = score;
          weights = trial;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return weights;
}

const all = pools.map((_, i) => i);
const show = (m: Metrics) => `hit@1 ${m.h1.toFixed(3)}  hit@5 ${m.h5.toFixed(3)}  hit@10 ${m.h10.toFixed(3)}  MRR@10 ${m.mrr.toFixed(3)}`;
const only = (name: string) => FEATURE_NAMES.map((n) => (n === name ? 1 : 0));
console.log(`${answerable.length} answerable questions; dates: ${values["no-dates"] ? "none" : "each question's date"}`);
console.log(`BM25 alone                 ${show(evaluate(only("lexical"), all))}`);
console.log(`dense alone                ${show(evaluate(only("dense"), all))}`);
const fusionOnly = FEATURE_NAMES.map((n) => (n === "lexical" ? 1 : n === "dense" ? DEFAULT_RETRIEVAL.fusion.denseWeight : 0));
console.log(`BM25 + ${DEFAULT_RETRIEVAL.fusion.denseWeight} dense (score fusion) ${show(evaluate(fusionOnly, all))}`);
const current = FEATURE_NAMES.map((n) => DEFAULT_RETRIEVAL.weights[n]);
console.log(`shipped weights            ${show(evaluate(current, all))}  (with diversity: ${show(evaluate(current, all, true))})`);
const fitted = fitWeights(all);
console.log(`fitted on all              ${show(evaluate(fitted, all))}  (with diversity: ${show(evaluate(fitted, all, true))})`);
console.log(`  weights: ${JSON.stringify(Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, fitted[i]])) as RerankWeights)}`);
const folds = Number(values.folds);
const cv: Metrics = { h1: 0, h5: 0, h10: 0, mrr: 0 };
for (let f = 0; f < folds; f++) {
  const heldOut = all.filter((i) => i % folds === f);
  const m = evaluate(fitWeights(all.filter((i) => i % folds !== f)), heldOut);
  for (const key of Object.keys(cv) as (keyof Metrics)[]) cv[key] += (m[key] * heldOut.length) / all.length;
}
console.log(`${folds}-fold cross-validated    ${show(cv)}`);
for (const j of free) {
  if (fitted[j] === 0) continue;
  const without = fitted.slice();
  without[j] = 0;
  console.log(`  without ${FEATURE_NAMES[j].padEnd(11)}      ${show(evaluate(without, all))}`);
}
