// The model-free answerer: pick the sentences of the retrieved passages that best answer the question,
// quote them verbatim with their citations, and abstain when the evidence is too weak.
import { linesOfSpan } from "./chunk-article.js";
import { splitSentences } from "./split-sentences.js";
import { contentTokens, tokenize } from "./tokenize.js";
import type { Answer, Citation, Ranked } from "./types.js";

export interface ExtractiveOptions {
  /** Most sentences in an answer. */
  maxSentences: number;
  /** Passages whose sentences are considered, best first. */
  passagesConsidered: number;
  /** A further sentence joins the answer only when it scores at least this share of the best one. */
  followerRatio: number;
  /** Below this weighted share of the question's terms found in one passage, the answerer abstains. */
  minCoverage: number;
}

/** Calibrated on answerable and unanswerable questions (docs/retrieval.md). */
export const DEFAULT_EXTRACTIVE: ExtractiveOptions = {
  maxSentences: 3,
  passagesConsidered: 5,
  followerRatio: 0.8,
  minCoverage: 0.5,
};

export const ABSTENTION_TEXT = "The articles don't say. None of the indexed passages answers this question.";

// Words that shape a question without naming its topic.
const QUESTION_NOISE = new Set(
  "happen happened happening news article articles story stories report reported think know week today yesterday recently latest new".split(
    " ",
  ),
);
const SPEECH = /\b(said|says|say|told|tells|announced|stated|added|declared|warned|argued|insisted|according to|responded|spokesm[ae]n|spokeswoman|statement)\b|["“”]/i;
const NUMBER = /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|dozen)\b/i;
const DATE = /\b(\d{4}|january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|week|month|year)\b/i;
const NAME = /(?:^|[^.!?]\s)\p{Lu}\p{Ll}+/u;

type Intent = "say" | "number" | "date" | "name" | "other";

export function classifyQuestion(question: string): Intent {
  const q = question.toLowerCase();
  if (/\b(say|said|says|tell|told|respond|react|comment|announce|claim|think about)\b/.test(q)) return "say";
  if (/\bhow (many|much|long|old|far)\b|\bwhat (number|percentage|share|amount)\b/.test(q)) return "number";
  if (/\bwhen\b|\bwhat (year|date|day|month)\b/.test(q)) return "date";
  if (/^\s*(who|where|which)\b/.test(q)) return "name";
  return "other";
}

interface Term {
  token: string;
  weight: number;
}

/** The question's topic words; names (capitalized mid-sentence) weigh double. */
export function questionTerms(question: string): Term[] {
  const capitalized = new Set<string>();
  for (const m of question.matchAll(/(?<=\S\s+)(\p{Lu}[\p{L}'’]*)/gu)) {
    for (const t of tokenize(m[1])) capitalized.add(t);
  }
  const seen = new Map<string, Term>();
  for (const token of contentTokens(question)) {
    if (QUESTION_NOISE.has(token) || seen.has(token)) continue;
    seen.set(token, { token, weight: capitalized.has(token) || /\d/.test(token) ? 2 : 1 });
  }
  return [...seen.values()];
}

/** "Russia" matches "Russian", "minister" matches "ministers": a shared stem of five letters or more. */
function termMatches(term: string, words: Set<string>): boolean {
  if (words.has(term)) return true;
  if (term.length < 5) return false;
  const stem = term.slice(0, Math.max(5, term.length - 2));
  for (const w of words) if (w.length >= 5 && (w.startsWith(stem) || term.startsWith(w.slice(0, Math.max(5, w.length - 2))))) return true;
  return false;
}

/** Weighted share of the question's terms that occur in `text`. */
export function termCoverage(terms: Term[], text: string): number {
  const total = terms.reduce((n, t) => n + t.weight, 0);
  if (total === 0) return 0;
  const words = new Set(tokenize(text));
  return terms.reduce((n, t) => n + (termMatches(t.token, words) ? t.weight : 0), 0) / total;
}

function intentBonus(intent: Intent, sentence: string): number {
  switch (intent) {
    case "say":
      return SPEECH.test(sentence) ? 0.25 : 0;
    case "number":
      return NUMBER.test(sentence) ? 0.2 : 0;
    case "date":
      return DATE.test(sentence) ? 0.2 : 0;
    case "name":
      return NAME.test(sentence) ? 0.1 : 0;
    default:
      return 0;
  }
}

interface Candidate {
  rank: number;
  ranked: Ranked;
  start: number;
  end: number;
  text: string;
  score: number;
}

function scoreSentences(question: string, ranked: Ranked[], options: ExtractiveOptions): Candidate[] {
  const terms = questionTerms(question);
  const intent = classifyQuestion(question);
  const candidates: Candidate[] = [];
  ranked.slice(0, options.passagesConsidered).forEach((r, rank) => {
    for (const { start, end } of splitSentences(r.passage.text)) {
      const text = r.passage.text.slice(start, end);
      const letters = text.replace(/[^\p{L}]/gu, "").length;
      if (letters < 20) continue; // headings and fragments ("two killed") answer nothing
      const lengthPenalty = text.length > 450 ? 0.15 : 0;
      const score =
        termCoverage(terms, text) + intentBonus(intent, text) + 0.15 * (1 - rank / options.passagesConsidered) - lengthPenalty;
      candidates.push({ rank, ranked: r, start, end, text, score });
    }
  });
  return candidates.sort((a, b) => b.score - a.score);
}

/** Abstain when no single passage (with its title) covers enough of the question, or misses every name in it. */
export function isEvidenceTooWeak(question: string, ranked: Ranked[], options: ExtractiveOptions = DEFAULT_EXTRACTIVE): boolean {
  const terms = questionTerms(question);
  if (terms.length === 0 || ranked.length === 0) return true;
  const names = terms.filter((t) => t.weight > 1);
  return !ranked.slice(0, options.passagesConsidered).some((r) => {
    const text = `${r.passage.title}\n${r.passage.text}`;
    if (termCoverage(terms, text) < options.minCoverage) return false;
    return names.length === 0 || termCoverage(names, text) > 0;
  });
}

function toCitation(n: number, c: Candidate): Citation {
  const { passage } = c.ranked;
  const citation: Citation = {
    n,
    source: passage.source,
    title: passage.title,
    lines: linesOfSpan(passage, c.start, c.end),
    quote: c.text,
    score: c.ranked.score,
    passageId: passage.id,
  };
  if (passage.url) citation.url = passage.url;
  if (passage.date) citation.date = passage.date;
  return citation;
}

export function abstain(question: string, ranked: Ranked[]): Answer {
  return { question, text: ABSTENTION_TEXT, abstained: true, citations: [], nearest: ranked.slice(0, 3) };
}

/** Composes an answer of one to `maxSentences` quoted sentences, each followed by its [n]. */
export function answerExtractively(
  question: string,
  ranked: Ranked[],
  options: ExtractiveOptions = DEFAULT_EXTRACTIVE,
): Answer {
  if (isEvidenceTooWeak(question, ranked, options)) return abstain(question, ranked);
  const candidates = scoreSentences(question, ranked, options);
  if (candidates.length === 0) return abstain(question, ranked);
  const best = candidates[0];
  const chosen: Candidate[] = [best];
  for (const c of candidates.slice(1)) {
    if (chosen.length >= options.maxSentences || c.score < best.score * options.followerRatio) break;
    // One citation per passage, and never the same story twice.
    if (chosen.some((x) => x.ranked.passage.id === c.ranked.passage.id || x.text === c.text)) continue;
    chosen.push(c);
  }
  const citations = chosen.map((c, i) => toCitation(i + 1, c));
  const text = chosen.map((c, i) => `${c.text.replace(/\s+/g, " ")} [${i + 1}]`).join(" ");
  return { question, text, abstained: false, citations, nearest: [] };
}
