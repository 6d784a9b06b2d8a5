// The fixture of honest and dishonest model answers (test/fixtures/model-answers.jsonl) over real passages of
// the starting corpus: each answer names its passages by a phrase, so the fixture survives re-chunking.
import { readFileSync } from "node:fs";
import { chunkArticle } from "../../src/core/ingest/chunk-article.js";
import type { Passage, Ranked } from "../../src/core/types.js";
import { parseCorpusFile } from "../../src/corpus/parse-corpus-file.js";

export interface ModelAnswer {
  id: string;
  honest: boolean;
  kind?: string;
  question: string;
  /** A phrase of each passage the model was given, in the order of its [n]. */
  passages: string[];
  /** The own link of each of those articles, when the case needs one. */
  urls?: string[];
  answer: string;
  /** Dishonest answers: what the model made up, which must not reach the reply. */
  invented?: string;
}

/** The starting corpus file every fixture passage comes from. */
export const SOURCE = "000_c0af5a29d12023ff.txt";
const corpusPassages = parseCorpusFile(SOURCE, new Uint8Array(readFileSync(new URL(`../../corpus/${SOURCE}`, import.meta.url)))).articles.flatMap(
  (a) => chunkArticle(a),
);

export const MODEL_ANSWERS: readonly ModelAnswer[] = readFileSync(new URL("../fixtures/model-answers.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as ModelAnswer);

/** The passages an answer was written over, ranked in the order of its [n], with the links it needs. */
export function rankedFor(answer: ModelAnswer): Ranked[] {
  return answer.passages.map((phrase, i) => {
    const passage = corpusPassages.find((p) => p.text.includes(phrase));
    if (!passage) throw new Error(`${answer.id}: no passage of the starting corpus contains "${phrase}"`);
    const url = answer.urls?.[i];
    const withUrl: Passage = url === undefined ? passage : { ...passage, url };
    return { passage: withUrl, score: 1 - i / 10 };
  });
}
