// Stage 2 of hybrid retrieval: what the re-ranker knows about the question, computed once per question.
import { resolveRecency, type DateWindow } from "./resolve-recency.js";
import { lexicalTerms } from "../lexical/lexical-index.js";

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
  expects?: "number" | "name";
  window?: DateWindow;
}

// text heuristic: to move into core/text
// A prefix stemmer. mark-passage.ts finds the same stems in passages without cutting strings, so it shares
// STEM_LENGTH and startsWithDigit.
export const STEM_LENGTH = 5;

export function startsWithDigit(term: string): boolean {
  const code = term.charCodeAt(0);
  return code >= 48 && code <= 57;
}

function stemOf(term: string): string {
  return term.length > STEM_LENGTH && !startsWithDigit(term) ? term.slice(0, STEM_LENGTH) : term;
}

// text heuristic: to move into core/text
/** Words that start with a capital letter where a sentence does not begin. */
function capitalizedTerms(text: string): Set<string> {
  const names = new Set<string>();
  const words = text.match(/\S+/g) ?? [];
  words.forEach((word, i) => {
    const startsSentence = i === 0 || /[.!?:"“]$/.test(words[i - 1]);
    const letters = word.replace(/^[^\p{L}\p{N}]+/u, "");
    if (!/^\p{Lu}/u.test(letters)) return;
    const allCaps = /^[\p{Lu}.&-]{2,}$/u.test(letters.replace(/['’]s?$/u, "").replace(/[^\p{L}.&-]+$/u, ""));
    if (startsSentence && !allCaps) return;
    for (const term of lexicalTerms(letters)) names.add(term);
  });
  return names;
}

// text heuristic: to move into core/text
/** "Which country …", "what company …": the answer is a name. */
const NAMED_THING = new RegExp(
  "\\b(which|what) (\\w+ )?(" +
    "country|countries|state|city|company|team|person|man|woman|president|leader|singer|actor|actress|star|" +
    "player|nation|island|brand|party|organization|agency|group|celebrity|athlete|network|retailer|airline|" +
    "league|film|movie|show|band|artist|author|official|senator|governor|billionaire|ceo|firm|university|" +
    "school|region|province|continent|currency" +
    ")\\b",
);

// text heuristic: to move into core/text
/** "How many …" wants a number, "Who …" or "Which country …" a name; otherwise undefined. */
export function expectedAnswer(question: string): QueryProfile["expects"] {
  const text = question.toLowerCase();
  if (/\b(how (many|much|old|long|far|big|large|high|tall|fast)|what (percentage|percent|share|number|year|age|amount|price|temperature|magnitude)|in what year|how many)\b/.test(text)) {
    return "number";
  }
  if (/\b(who|whom|whose|where)\b/.test(text) || NAMED_THING.test(text)) {
    return "name";
  }
  return undefined;
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
  const names = new Set([...capitalizedTerms(question)].filter((t) => terms.has(t)));
  const numbers = new Set(tokens.filter((t) => /^\d/.test(t)));
  const stems = new Map<string, number>();
  for (const [term, weight] of terms) stems.set(stemOf(term), Math.max(stems.get(stemOf(term)) ?? 0, weight));
  return { terms, totalWeight, pairs, names, numbers, stems, expects: expectedAnswer(question), window: resolveRecency(question, asOf) };
}
