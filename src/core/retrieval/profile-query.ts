// Stage 2 of hybrid retrieval: what the re-ranker knows about the question, computed once per question.
import { resolveRecency, type DateWindow } from "./resolve-recency.js";
import { lexicalTerms } from "../lexical/lexical-index.js";
import { classifyQuestionForRetrieval, type ExpectedAnswer } from "../text/classify-question.js";
import { detectNamesForRetrieval } from "../text/detect-names.js";
import { isNumberToken } from "../text/parse-numbers.js";
import { stemForRetrieval } from "../text/stem-word.js";

export interface QueryProfile {
  /** Content terms with their idf (terms the corpus never saw are left out: they match nothing). */
  terms: Map<string, number>;
  totalWeight: number;
  /** Adjacent content-term pairs, "a b". */
  pairs: Set<string>;
  /** Terms written with a capital inside the question: names of people, places, organizations. */
  names: Set<string>;
  numbers: Set<string>;
  /** Prefixes for soft matching of word forms ("retirement" ~ "retired"). */
  stems: Map<string, number>;
  /** What kind of answer the question asks for, when its wording says so. */
  expects?: ExpectedAnswer;
  window?: DateWindow;
}

export function profileQuery(question: string, idf: (term: string) => number, asOf?: string): QueryProfile {
  const tokens = lexicalTerms(question);
  const terms = new Map<string, number>();
  for (const token of tokens) {
    const weight = idf(token);
    if (weight > 0) terms.set(token, weight);
  }
  let totalWeight = 0;
  for (const weight of terms.values()) totalWeight += weight;
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < tokens.length; i++) pairs.add(`${tokens[i]} ${tokens[i + 1]}`);
  const names = new Set([...detectNamesForRetrieval(question)].filter((t) => terms.has(t)));
  const numbers = new Set(tokens.filter(isNumberToken));
  const stems = new Map<string, number>();
  for (const [term, weight] of terms) stems.set(stemForRetrieval(term), Math.max(stems.get(stemForRetrieval(term)) ?? 0, weight));
  return {
    terms,
    totalWeight,
    pairs,
    names,
    numbers,
    stems,
    expects: classifyQuestionForRetrieval(question),
    window: resolveRecency(question, asOf),
  };
}
