// Replays honest and dishonest model answers over real passages of the starting corpus: every dishonest
// answer loses its invented part, and the honest ones keep at least the share measured when the check was
// made strict (docs/reliability.md has the figures).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chunkArticle } from "../src/core/ingest/chunk-article.js";
import type { Passage, Ranked } from "../src/core/types.js";
import { verifyCitations, type VerifiedAnswer } from "../src/core/answer/verify-citations.js";
import { parseCorpusFile } from "../src/corpus/parse-corpus-file.js";

interface ModelAnswer {
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

const SOURCE = "000_c0af5a29d12023ff.txt";
const corpusPassages = parseCorpusFile(SOURCE, new Uint8Array(readFileSync(new URL(`../corpus/${SOURCE}`, import.meta.url)))).articles.flatMap((a) =>
  chunkArticle(a),
);
const answers: ModelAnswer[] = readFileSync(new URL("./fixtures/model-answers.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as ModelAnswer);

function rankedFor(answer: ModelAnswer): Ranked[] {
  return answer.passages.map((phrase, i) => {
    const passage = corpusPassages.find((p) => p.text.includes(phrase));
    if (!passage) throw new Error(`${answer.id}: no passage of the starting corpus contains "${phrase}"`);
    const url = answer.urls?.[i];
    const withUrl: Passage = url === undefined ? passage : { ...passage, url };
    return { passage: withUrl, score: 1 - i / 10 };
  });
}

/** Everything of the reply a reader would see. */
function shown(result: VerifiedAnswer): string {
  return `${result.text}\n${result.abstention ?? ""}`;
}

function keptWhole(result: VerifiedAnswer): boolean {
  return result.removed.length === 0 && (result.supportedClaims > 0 || result.abstention !== undefined);
}

const honest = answers.filter((a) => a.honest);
const dishonest = answers.filter((a) => !a.honest);
/**
 * Measured when the check was made strict: 51 of 57 kept whole. The six it drops reword beyond what a
 * reader can check in the passage ("gunmen" for "armed Palestinians", "received a sentence", "make" for "made").
 */
const HONEST_KEEP_FLOOR = 0.89;

describe("verifyCitations over replayed model answers", () => {
  it("GIVEN the fixture THEN it has at least 40 honest and 40 dishonest answers", () => {
    expect(honest.length).toBeGreaterThanOrEqual(40);
    expect(dishonest.length).toBeGreaterThanOrEqual(40);
  });

  it.each(dishonest.map((a) => [`${a.id} (${a.kind}): ${a.invented}`, a] as const))(
    "GIVEN a dishonest answer %s THEN the invented part does not reach the reply",
    (_name, answer) => {
      const result = verifyCitations(answer.answer, rankedFor(answer), answer.question);
      expect(shown(result).toLowerCase()).not.toContain((answer.invented as string).toLowerCase());
    },
  );

  it("GIVEN the honest answers THEN the share kept whole is above the measured floor", () => {
    const dropped = honest.filter((a) => !keptWhole(verifyCitations(a.answer, rankedFor(a), a.question)));
    const rate = (honest.length - dropped.length) / honest.length;
    console.info(
      `honest answers kept whole: ${honest.length - dropped.length}/${honest.length}; dropped: ${dropped.map((a) => a.id).join(", ") || "none"}`,
    );
    expect(rate).toBeGreaterThanOrEqual(HONEST_KEEP_FLOOR);
  });
});
