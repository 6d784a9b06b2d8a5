// The model-free answerer: pick the sentences of the retrieved passages that best answer the question,
// quote them verbatim with their citations, and abstain when the evidence is too weak.
import { ABSTENTION_TEXT } from "./abstention.js";
import { buildCitation } from "./build-citation.js";
import { asksForEntity, classifyQuestionForAnswer, findSpeaker, type QuestionIntent } from "../text/classify-question.js";
import { detectNamesAndNumbers } from "../text/detect-names.js";
import { statesDate, statesNumber } from "../text/parse-numbers.js";
import { splitSentences } from "../text/split-sentences.js";
import { matchesWordForm } from "../text/stem-word.js";
import { contentTokens, tokenize } from "../text/tokenize.js";
import type { Answer, Ranked } from "../types.js";

export interface ExtractiveOptions {
  /** Most sentences in an answer. */
  maxSentences: number;
  /** Passages whose sentences are considered, best first. */
  passagesConsidered: number;
  /** A further sentence joins the answer only when it scores at least this share of the best one. */
  followerRatio: number;
  /** Below this weighted share of the question's terms found in one passage, the answerer abstains. */
  minCoverage: number;
  /** The same for questions of `longQuestionTerms` terms or more, which no one passage repeats whole. */
  minCoverageLong: number;
  longQuestionTerms: number;
  /** Weight of the passage's (and title's) coverage in a sentence's score, beside the sentence's own. */
  contextWeight: number;
  /** Bonus for a sentence that names something the question does not (the likely answer). */
  noveltyBonus: number;
}

/** What the corpus knows about words: the lexical index's idf (0 for a word no article contains). */
export interface CorpusStatistics {
  idf?: (term: string) => number;
}

/** Calibrated by grid search on answerable and unanswerable questions (docs/retrieval.md, "Answers"). */
export const DEFAULT_EXTRACTIVE: ExtractiveOptions = {
  maxSentences: 3,
  passagesConsidered: 5,
  followerRatio: 0.8,
  minCoverage: 0.5,
  minCoverageLong: 0.35,
  longQuestionTerms: 7,
  contextWeight: 0.5,
  noveltyBonus: 0.3,
};

// Words that shape a question without naming its topic.
const QUESTION_NOISE = new Set(
  "happen happened happening news article articles story stories report reported think know week today yesterday recently latest new".split(" "),
);
const SPEECH =
  /\b(said|says|say|told|tells|announced|stated|added|declared|warned|argued|insisted|according to|responded|spokesm[ae]n|spokeswoman|statement)\b|["“”]/i;

interface Term {
  token: string;
  weight: number;
  /** Capitalized mid-sentence, or a number. */
  name: boolean;
  /** No article in the corpus contains it (known only with corpus statistics). */
  unknown: boolean;
}

/**
 * The question's topic words. With corpus statistics a word weighs its idf (rare words say more); a word no
 * article contains weighs as much as the rarest known one. Names weigh 1.5 times more.
 */
export function questionTerms(question: string, stats: CorpusStatistics = {}): Term[] {
  const names = detectNamesAndNumbers(question);
  const tokens = [...new Set(contentTokens(question))].filter((t) => !QUESTION_NOISE.has(t));
  const idfs = tokens.map((t) => (stats.idf ? stats.idf(t) : 1));
  const rarest = Math.max(1, ...idfs);
  return tokens.map((token, i) => {
    const name = names.has(token);
    const unknown = Boolean(stats.idf) && idfs[i] === 0;
    const base = unknown ? rarest : idfs[i];
    return { token, name, unknown, weight: base * (name ? 1.5 : 1) };
  });
}

/** Weighted share of the question's terms that occur in `text`. */
export function termCoverage(terms: Term[], text: string): number {
  const total = terms.reduce((n, t) => n + t.weight, 0);
  if (total === 0) return 0;
  const words = new Set(tokenize(text));
  return terms.reduce((n, t) => n + (matchesWordForm(t.token, words) ? t.weight : 0), 0) / total;
}

/** For "what did X say", the weight of naming X in full: who speaks decides more than what else matches. */
const SPEAKER_BONUS = 0.5;

function intentBonus(intent: QuestionIntent, sentence: string, speaker: Term[]): number {
  switch (intent) {
    case "say": {
      // Speech counts in proportion to how fully the sentence names the speaker the question asks about.
      const named = speaker.length ? termCoverage(speaker, sentence) : 1;
      return named * ((SPEECH.test(sentence) ? 0.25 : 0) + (speaker.length ? SPEAKER_BONUS : 0));
    }
    case "number":
      return statesNumber(sentence) ? 0.2 : 0;
    case "date":
      return statesDate(sentence) ? 0.2 : 0;
    case "name":
      return detectNamesAndNumbers(sentence).size > 0 ? 0.1 : 0;
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

function scoreSentences(question: string, terms: Term[], ranked: Ranked[], options: ExtractiveOptions): Candidate[] {
  const intent = classifyQuestionForAnswer(question);
  const wantsEntity = asksForEntity(question, intent);
  const questionNames = detectNamesAndNumbers(question);
  const questionWords = new Set(tokenize(question));
  const speakerText = findSpeaker(question);
  const speakerTokens = new Set(speakerText ? contentTokens(speakerText) : []);
  // Every word of the speaker counts alike: "Russian" is common in a corpus about Russia, yet it is what
  // tells Russia's foreign ministry from Israel's.
  const speaker = terms.filter((t) => speakerTokens.has(t.token)).map((t) => ({ ...t, weight: 1 }));
  const candidates: Candidate[] = [];
  ranked.slice(0, options.passagesConsidered).forEach((r, rank) => {
    const context = termCoverage(terms, `${r.passage.title}\n${r.passage.text}`);
    for (const { start, end } of splitSentences(r.passage.text)) {
      const text = r.passage.text.slice(start, end);
      const letters = text.replace(/[^\p{L}]/gu, "").length;
      if (letters < 20 || text.trimEnd().endsWith("?")) continue; // headings, fragments and questions answer nothing
      const lengthPenalty = text.length > 450 ? 0.15 : 0;
      const novel = [...detectNamesAndNumbers(text)].some((t) => !questionNames.has(t) && !questionWords.has(t));
      const score =
        (1 - options.contextWeight) * termCoverage(terms, text) +
        options.contextWeight * context +
        intentBonus(intent, text, speaker) +
        (wantsEntity && novel ? options.noveltyBonus : 0) +
        0.15 * (1 - rank / options.passagesConsidered) -
        lengthPenalty;
      candidates.push({ rank, ranked: r, start, end, text, score });
    }
  });
  return candidates.sort((a, b) => b.score - a.score);
}

function evidenceTooWeak(terms: Term[], ranked: Ranked[], options: ExtractiveOptions): boolean {
  if (terms.length === 0 || ranked.length === 0) return true;
  const texts = ranked.slice(0, options.passagesConsidered).map((r) => `${r.passage.title}\n${r.passage.text}`);
  const unknownNames = terms.filter((t) => t.name && t.unknown);
  if (unknownNames.some((t) => !texts.some((text) => termCoverage([t], text) > 0))) return true;
  const names = terms.filter((t) => t.name);
  const minCoverage = terms.length >= options.longQuestionTerms ? options.minCoverageLong : options.minCoverage;
  return !texts.some((text) => {
    if (termCoverage(terms, text) < minCoverage) return false;
    return names.length < 2 || termCoverage(names, text) > 0;
  });
}

export function abstain(question: string, ranked: Ranked[]): Answer {
  return { question, text: ABSTENTION_TEXT, abstained: true, citations: [], nearest: ranked.slice(0, 3) };
}

/** Composes an answer of one to `maxSentences` quoted sentences, each followed by its [n]. */
export function answerExtractively(
  question: string,
  ranked: Ranked[],
  options: ExtractiveOptions = DEFAULT_EXTRACTIVE,
  stats: CorpusStatistics = {},
): Answer {
  const terms = questionTerms(question, stats);
  if (evidenceTooWeak(terms, ranked, options)) return abstain(question, ranked);
  const candidates = scoreSentences(question, terms, ranked, options);
  if (candidates.length === 0) return abstain(question, ranked);
  const best = candidates[0];
  const speakerBound = classifyQuestionForAnswer(question) === "say";
  const namesOfBest = terms.filter((t) => t.name && termCoverage([t], best.text) > 0);
  const chosen: Candidate[] = [best];
  for (const c of candidates.slice(1)) {
    if (chosen.length >= options.maxSentences || c.score < best.score * options.followerRatio) break;
    // What someone said must come from the same speaker: a follower names everything the best sentence
    // does ("Russia's Foreign Ministry", not Israel's foreign minister).
    if (speakerBound && !namesOfBest.every((t) => termCoverage([t], c.text) > 0)) continue;
    // One citation per passage, and never the same story twice.
    if (chosen.some((x) => x.ranked.passage.id === c.ranked.passage.id || x.text === c.text)) continue;
    chosen.push(c);
  }
  const citations = chosen.map((c, i) => buildCitation(i + 1, c.ranked, c, question));
  const text = citations.map((c) => `${c.quote.replace(/\s+/g, " ")} [${c.n}]`).join(" ");
  return { question, text, abstained: false, citations, nearest: [] };
}
