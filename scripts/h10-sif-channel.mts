// Scratch (helper-10): SIF word-vector channel over all passages, brute force; not shipped.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createEmbedder } from "../src/app.js";
import { configFor } from "../src/cli/cli-io.js";
import { firstHitRank, parseEvalQuestions } from "../src/core/eval-metrics.js";
import { deserializeLexicalIndex, inverseDocumentFrequency, lexicalTerms } from "../src/core/lexical-index.js";
import { DEFAULT_RETRIEVAL, diversify, fuseRankings, profileQuery, rerank } from "../src/core/retrieve.js";
import { createIndexSearcher, LEXICAL_FILE } from "../src/index/create-index-searcher.js";
import { openIndexGeneration } from "../src/index/load-index.js";
import { loadWordVectors } from "../src/providers/word-vectors.js";

const config = configFor({ env: process.env } as never, "../shared/datasets/news-eval");
const { embedder, id } = await createEmbedder(config);
const loaded = (await openIndexGeneration(config.INDEX_DIR, embedder, { expectedEmbedderId: id, ef: config.HNSW_EF }))!;
const searcher = await createIndexSearcher(loaded, embedder);
const lexical = deserializeLexicalIndex(new Uint8Array(await readFile(path.join(loaded.dir, LEXICAL_FILE))));
const idf = (t: string) => inverseDocumentFrequency(lexical, t);
const wv = (await loadWordVectors())!;
const D = wv.dimensions;
const labels = [...loaded.passagesByLabel.keys()];
const M = new Float32Array(labels.length * D);
const vcache = new Map<string, Float32Array | null>();
const vec = (t: string) => { let v = vcache.get(t); if (v === undefined) { v = wv.lookup(t) ?? null; vcache.set(t, v); } return v; };
const idfCache = new Map<string, number>();
const idfc = (t: string) => { let v = idfCache.get(t); if (v === undefined) { v = idf(t); idfCache.set(t, v); } return v; };
let t0 = Date.now();
function sifOf(tokens: string[], out: Float32Array, off: number) {
  for (const t of tokens) { const v = vec(t); if (!v) continue; const w = idfc(t); for (let i = 0; i < D; i++) out[off + i] += w * v[i]; }
}
labels.forEach((label, r) => { const p = loaded.passagesByLabel.get(label)!; sifOf([...lexicalTerms(p.text), ...lexicalTerms(p.title)], M, r * D); });
// common component removal: subtract mean direction (cheap approximation of the first principal component)
const mean = new Float32Array(D);
for (let r = 0; r < labels.length; r++) { let n = 0; for (let i = 0; i < D; i++) n += M[r * D + i] ** 2; n = Math.sqrt(n) || 1; for (let i = 0; i < D; i++) { M[r * D + i] /= n; mean[i] += M[r * D + i] / labels.length; } }
const removeMean = process.env.RM === "1";
if (removeMean) for (let r = 0; r < labels.length; r++) { let n = 0; for (let i = 0; i < D; i++) { M[r * D + i] -= mean[i]; n += M[r * D + i] ** 2; } n = Math.sqrt(n) || 1; for (let i = 0; i < D; i++) M[r * D + i] /= n; }
console.log("sif matrix ms", Date.now() - t0);
function searchSif(q: string, k: number) {
  const qv = new Float32Array(D); sifOf(lexicalTerms(q), qv, 0);
  let n = Math.sqrt(qv.reduce((s, x) => s + x * x, 0)) || 1; for (let i = 0; i < D; i++) qv[i] /= n;
  if (removeMean) { for (let i = 0; i < D; i++) qv[i] -= mean[i]; n = Math.sqrt(qv.reduce((s, x) => s + x * x, 0)) || 1; for (let i = 0; i < D; i++) qv[i] /= n; }
  const scores = new Float32Array(labels.length);
  for (let r = 0; r < labels.length; r++) { let s = 0; for (let i = 0; i < D; i++) s += qv[i] * M[r * D + i]; scores[r] = s; }
  const idx = [...scores.keys()].sort((a, b) => scores[b] - scores[a]).slice(0, k);
  return idx.map((r) => ({ label: labels[r], score: scores[r] }));
}
const { questions } = parseEvalQuestions(await readFile("../shared/datasets/news-eval/qa-dev.jsonl", "utf8"));
const qs = questions.filter((q) => !q.unanswerable && q.gold.length > 0);
const stats: Record<string, number[]> = {};
const add = (name: string, rank: number) => { const s = (stats[name] ??= [0, 0, 0, 0, 0]); if (rank === 0) s[0]++; if (rank >= 0 && rank < 5) s[1]++; if (rank >= 0 && rank < 10) s[2]++; if (rank >= 0) s[3]++; };
const weightsList = [0, 0.1, 0.2, 0.3, 0.5, 1];
let sifWinsBm25Loses = 0;
for (const q of qs) {
  const dense = await searcher.searchDense(q.question, 50);
  const lex = searcher.searchLexical(q.question, 50);
  const sif = searchSif(q.question, 50);
  const rankOf = (list: { label: number }[], n = 10) => firstHitRank(list.slice(0, n).map((c) => loaded.passagesByLabel.get(c.label)!), q.gold);
  add("sif alone", rankOf(sif));
  add("bm25 alone", rankOf(lex));
  if (rankOf(sif) === 0 && rankOf(lex) !== 0) sifWinsBm25Loses++;
  for (const w of weightsList) for (const pool of [30, 60]) {
    const fused = fuseRankings(lex.map((c) => ({ id: String(c.label), score: c.score })), dense.map((c) => ({ id: String(c.label), distance: 1 - c.score })), DEFAULT_RETRIEVAL.fusion).slice(0, 10000);
    // add sif channel by RRF
    const byId = new Map(fused.map((f) => [f.id, { ...f }]));
    sif.forEach((c, r) => { const id = String(c.label); const e = byId.get(id) ?? { id, score: 0 }; e.score += w / (60 + r + 1); byId.set(id, e); });
    const poolList = [...byId.values()].sort((a, b) => b.score - a.score).slice(0, pool);
    add(`pool recall w=${w} pool=${pool}`, firstHitRank(poolList.map((f) => loaded.passagesByLabel.get(Number(f.id))!), q.gold) >= 0 ? 0 : -1);
    const query = profileQuery(q.question, idf, undefined);
    const ranked = diversify(rerank(query, poolList.map((f) => ({ passage: loaded.passagesByLabel.get(Number(f.id))!, lexicalScore: (f as any).lexicalScore, denseDistance: (f as any).denseDistance }))), DEFAULT_RETRIEVAL.diversity);
    add(`shipped rerank, sif channel w=${w} pool=${pool}`, firstHitRank(ranked.slice(0, 10).map((r) => r.passage), q.gold));
  }
}
console.log("sif rank-1 wins where bm25 loses:", sifWinsBm25Loses);
for (const [name, s] of Object.entries(stats)) console.log(name.padEnd(45), s.slice(0, 3).map((x) => (x / qs.length).toFixed(3)).join("  "), (s[3] / qs.length).toFixed(3));
