// Checks a model's [n] citations against the passages it was given, so that no answer cites a source
// that does not say what the sentence claims.
//
// Policy (the lead may copy it into the README):
// - A marker outside 1..n is dropped.
// - A sentence is kept only when what it says is in the passages it cites, at the level a reader checks:
//   every content word (beyond a small function-word list; inflections meet through a shared stem), every
//   number and every name of each clause is in ONE cited passage, the title of its article, or (content
//   words only, at most a third of a clause) the question. A clause is a stretch between citation markers,
//   split further at ";", ", and", ", but", "while", "whereas" when it cites several passages: names of two
//   stories in one clause drop the sentence. Otherwise the whole sentence is REMOVED (not flagged).
// - Negation matches: a "not", "no", "never" or "n't" in a clause must be in the passage sentence that backs
//   it, in front of the words the clause negates; a passage sentence that negates what the clause affirms
//   drops the clause.
// - No URL reaches an answer unless it is the own link of an article the sentence cites: any other link is
//   taken out of the sentence (the sentence stays when the rest of it holds).
// - A sentence without any citation is removed. The one exception is a reply that is a single abstention
//   ("The articles don't say who won."): it is kept when it names nothing the question does not (no claim,
//   no number, no link), and it is returned apart, in `abstention`.
// - Of a kept sentence's markers, those whose passage backs none of its clauses are dropped.
// - Kept markers are renumbered in order of first use; only cited passages become citations, each quoting
//   the passage sentence that best supports the sentences citing it.
import { isAbstention } from "./abstention.js";
import { buildCitation } from "./build-citation.js";
import { linesOfSpan } from "../ingest/chunk-article.js";
import { numberPassages } from "./prompts.js";
import { CITATION_MARKER, readCitationMarker } from "../text/citation-markers.js";
import { isWrittenAsName } from "../text/detect-names.js";
import { isNumberToken, parseNumberWord } from "../text/parse-numbers.js";
import { splitSentences, type Span } from "../text/split-sentences.js";
import { matchesWordForm, stemForVerification } from "../text/stem-word.js";
import { STOPWORDS, tokenize } from "../text/tokenize.js";
import type { Citation, LineRange, Passage, Ranked } from "../types.js";

export interface VerifiedAnswer {
  /** The answer with unsupported sentences removed and markers renumbered 1..citations.length. */
  text: string;
  citations: Citation[];
  /** How many sentences carry at least one citation that held. */
  supportedClaims: number;
  /** Sentences removed because their citations did not hold, or because they made an uncited claim. */
  removed: string[];
  /** Marker numbers that pointed outside the passages given. */
  outOfRange: number[];
  /** The reply's abstention sentence, markers removed, when the whole reply is one abstention that holds. */
  abstention?: string;
}

/** A verbatim quote from a passage and the file lines it covers. */
export interface PassageQuote {
  quote: string;
  lines: LineRange;
}

/** A bullet or "1." opening a line: list numbering, not a number the claim makes. */
const LIST_ITEM = /^\s*(?:[-*•]|\d+[.)])\s+/;
/** A link a chat client would make clickable: a scheme, "www.", or a domain followed by a path. */
const URL = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>()[\]"']+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}\/[^\s<>()[\]"']*/gi;
/** "[read more](https://…)": the label goes with its link. */
const MARKDOWN_LINK = /\[([^\]]*)\]\(\s*((?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s()]*)\s*\)/gi;
/** Where one claim ends and another starts inside a sentence that cites several passages. */
const CLAUSE_BREAK = /;|,\s+(?=(?:and|but|while|whereas|although|though)\b)|\s+(?=(?:while|whereas)\s)/i;
/** The sentence frame of an abstention, whose "not" negates nothing the articles say. */
const ABSTENTION_FRAME =
  /\b(?:the\s+)?(?:provided\s+)?(?:articles?|passages?|sources?|texts?)\s+(?:do|does|did)\s*(?:not|n['’]t)\s+(?:say|mention|answer|contain|include|cover|address|provide|specify|state|explain|report|give)\b|\bnot\s+(?:mentioned|stated|covered|addressed|answered)\s+in\s+the\s+(?:articles?|passages?|sources?)\b/gi;
/** How many words after a "not" it reaches ("did not receive a coherent explanation"). */
const NEGATION_REACH = 6;

/**
 * Verifies and renumbers the citations in `answerText`, whose [n] refer to `ranked[n-1]`. Words of
 * `question` may stand in a claim without being in its passage (the model answers in the question's terms).
 */
export function verifyCitations(answerText: string, ranked: readonly Ranked[], question = ""): VerifiedAnswer {
  const numbered = numberPassages(ranked);
  const evidence = numbered.map(({ ranked: r }) => evidenceOf(r.passage));
  const asked = vocabularyOf(wordsOf(question).map((w) => w.token));
  const text = answerText.replace(/\r\n?/g, "\n");

  const abstention = singleAbstention(text);
  if (abstention !== undefined) {
    const holds = abstentionHolds(abstention, asked);
    return {
      text: "",
      citations: [],
      supportedClaims: 0,
      removed: holds ? [] : [text.trim()],
      outOfRange: [],
      ...(holds ? { abstention: tidy(abstention.replace(CITATION_MARKER, " ")) } : {}),
    };
  }

  const outOfRange = new Set<number>();
  const removed: string[] = [];
  const newNumber = new Map<number, number>(); // old n → new n, in order of first use
  const claimsByPassage = new Map<number, Word[]>(); // old n → content words of the clauses it backs
  const lines: string[] = [];
  let supportedClaims = 0;

  for (const line of text.split("\n")) {
    const kept: string[] = [];
    for (const sentence of splitAnswerLine(line)) {
      for (const n of readCitationMarker(sentence)) if (n < 1 || n > numbered.length) outOfRange.add(n);
      const backing = backingOf(sentence, numbered.length, evidence, asked);
      if (backing === undefined) {
        removed.push(sentence);
        continue;
      }
      supportedClaims += 1;
      for (const [n, words] of backing) {
        if (!newNumber.has(n)) newNumber.set(n, newNumber.size + 1);
        claimsByPassage.set(n, [...(claimsByPassage.get(n) ?? []), ...words]);
      }
      const own = new Set([...backing.keys()].map((n) => evidence[n - 1].url).filter((url): url is string => url !== undefined));
      kept.push(removeForeignLinks(rewriteMarkers(sentence, new Set(backing.keys()), newNumber), own));
    }
    // A line emptied by removals disappears; a line that was blank (a paragraph break) stays.
    if (kept.length > 0 || line.trim() === "") lines.push(kept.join(" "));
  }

  const citations = [...newNumber.entries()].map(([old, n]) =>
    citationFor(n, numbered[old - 1].ranked, evidence[old - 1], claimsByPassage.get(old) ?? []),
  );
  return {
    text: tidy(lines.join("\n")),
    citations,
    supportedClaims,
    removed,
    outOfRange: [...outOfRange].sort((a, b) => a - b),
  };
}

/**
 * The verbatim text of `passage.text` between character offsets `start` and `end` (trimmed of surrounding
 * whitespace), and the file lines it covers: the i-th "\n"-line of the passage spans `passage.lineMap[i]`.
 */
export function quoteFromPassage(passage: Passage, start: number, end: number): PassageQuote {
  const text = passage.text;
  let from = Math.max(0, Math.min(start, text.length));
  let to = Math.max(from, Math.min(end, text.length));
  while (from < to && /\s/.test(text[from])) from += 1;
  while (to > from && /\s/.test(text[to - 1])) to -= 1;
  return { quote: text.slice(from, to), lines: linesOfSpan(passage, from, to) };
}

/** Splits one line of a model's answer into sentences, keeping a list bullet with its sentence. */
function splitAnswerLine(line: string): string[] {
  return splitSentences(line).map(({ start, end }) => line.slice(start, end));
}

/** One word of a text, as `tokenize` reads it, with what the check needs to know about it. */
interface Word {
  token: string;
  /** Capitalised where no sentence starts: a name, which only a passage can vouch for. */
  name: boolean;
  number: boolean;
  negator: boolean;
  /** A comma, full stop or dash follows it: a negation reaches no further. */
  closesPhrase: boolean;
}

/** What a passage can vouch for: its words (with the title's), and per sentence what it negates. */
interface Evidence {
  /** The article's own link: the one URL a sentence citing it may carry. */
  url?: string;
  vocabulary: Vocabulary;
  sentences: Array<{
    span: Span;
    vocabulary: Vocabulary;
    /** Words a negator reaches. */
    negated: Vocabulary;
    /** Words the sentence only ever negates ("a senior official said … not any senior-level contacts": not "senior"). */
    onlyNegated: Vocabulary;
    negates: boolean;
  }>;
}

interface Vocabulary {
  tokens: Set<string>;
  stems: Set<string>;
}

/**
 * Which cited passages back `sentence`, with the content words each backs; undefined when the sentence is
 * not entailed by them (or carries a link that is not a cited article's own).
 */
function backingOf(sentence: string, passageCount: number, evidence: Evidence[], asked: Vocabulary): Map<number, Word[]> | undefined {
  const all = unique(readCitationMarker(sentence).filter((n) => n >= 1 && n <= passageCount));
  if (all.length === 0) return undefined;
  const own = new Set(all.map((n) => evidence[n - 1].url).filter((url): url is string => url !== undefined));
  // A link is no claim of its own: the words around it are checked, and it is kept or taken out by whose it is.
  const claim = removeForeignLinks(sentence.replace(LIST_ITEM, ""), own).replace(MARKDOWN_LINK, "$1").replace(URL, " ");
  const backing = new Map<number, Word[]>();
  let claims = 0;
  for (const { text, cited } of segmentsOf(claim, all, passageCount)) {
    for (const clause of cited.length > 1 ? text.split(CLAUSE_BREAK) : [text]) {
      const words = wordsOf(clause.replace(ABSTENTION_FRAME, " "));
      const content = words.filter(isContent);
      if (content.length === 0) continue;
      claims += 1;
      const holders = cited.filter((n) => entails(evidence[n - 1], words, content, asked));
      if (holders.length === 0) return undefined;
      for (const n of holders) backing.set(n, [...(backing.get(n) ?? []), ...content]);
    }
  }
  return claims > 0 ? backing : undefined;
}

/** The sentence's stretches of text, each with the passages its markers cite (trailing text: all of them). */
function segmentsOf(sentence: string, all: number[], passageCount: number): Array<{ text: string; cited: number[] }> {
  const segments: Array<{ text: string; cited: number[] }> = [];
  let from = 0;
  for (const match of sentence.matchAll(CITATION_MARKER)) {
    const text = sentence.slice(from, match.index);
    const cited = readCitationMarker(match[0]).filter((n) => n >= 1 && n <= passageCount);
    if (segments.length > 0 && text.trim() === "") segments[segments.length - 1].cited.push(...cited);
    else segments.push({ text, cited });
    from = (match.index ?? 0) + match[0].length;
  }
  const rest = sentence.slice(from);
  if (rest.trim() !== "") segments.push({ text: rest, cited: all });
  return segments.map(({ text, cited }) => ({ text, cited: unique(cited) }));
}

/** Whether one passage says everything `words` (a clause) says, with the same negation. */
function entails(source: Evidence, words: Word[], content: Word[], asked: Vocabulary): boolean {
  let fromPassage = 0;
  let fromQuestion = 0;
  for (const word of content) {
    if (knows(source.vocabulary, word)) fromPassage += 1;
    else if (!word.name && !word.number && knows(asked, word)) fromQuestion += 1;
    else return false;
  }
  if (fromQuestion * 2 > fromPassage) return false;
  return negationMatches(source, words, content);
}

/**
 * The passage sentences that share most of the clause must include one that negates what the clause
 * negates, and nothing it affirms.
 */
function negationMatches(source: Evidence, words: Word[], content: Word[]): boolean {
  const negated = negatedWords(words).filter(isContent);
  const clauseNegates = words.some((w) => w.negator);
  const overlaps = source.sentences.map((s) => content.filter((w) => knows(s.vocabulary, w)).length);
  const best = Math.max(0, ...overlaps);
  return source.sentences.some((s, i) => {
    if (overlaps[i] !== best) return false;
    const affirmed = content.filter((w) => !negated.includes(w));
    if (affirmed.some((w) => knows(s.onlyNegated, w))) return false;
    if (!clauseNegates) return true;
    return s.negates && (negated.length === 0 || negated.some((w) => knows(s.negated, w)));
  });
}

/** The words each negator reaches: up to NEGATION_REACH words after it, within its phrase. */
function negatedWords(words: Word[]): Word[] {
  const reached: Word[] = [];
  words.forEach((word, i) => {
    if (!word.negator || word.closesPhrase) return;
    for (let j = i + 1; j < words.length && j <= i + NEGATION_REACH; j += 1) {
      reached.push(words[j]);
      if (words[j].closesPhrase) break;
    }
  });
  return reached;
}

/** The reply's one sentence when the whole reply is a single abstention. */
function singleAbstention(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed.includes("\n") || !isAbstention(trimmed)) return undefined;
  return splitAnswerLine(trimmed).length === 1 ? trimmed : undefined;
}

/** An abstention holds when it carries no link and names nothing beyond what the question asked. */
function abstentionHolds(sentence: string, asked: Vocabulary): boolean {
  if ((sentence.match(URL) ?? []).length > 0) return false;
  const words = wordsOf(sentence.replace(CITATION_MARKER, " ").replace(ABSTENTION_FRAME, " "));
  return words.filter((w) => isContent(w) && !ABSTENTION_WORDS.has(w.token)).every((w) => knows(asked, w));
}

function knows(vocabulary: Vocabulary, word: Word): boolean {
  if (vocabulary.tokens.has(word.token)) return true;
  if (word.number) return false;
  return vocabulary.stems.has(stemForVerification(word.token)) || matchesWordForm(word.token, vocabulary.tokens);
}

function isContent(word: Word): boolean {
  if (word.number) return true;
  return word.token.length > 1 && !CITATION_STOPWORDS.has(word.token) && !NEGATORS.has(word.token);
}

function rewriteMarkers(sentence: string, holding: Set<number>, newNumber: Map<number, number>): string {
  return sentence.replace(CITATION_MARKER, (marker: string) => {
    const kept = unique(readCitationMarker(marker).filter((n) => holding.has(n)))
      .map((n) => newNumber.get(n) as number)
      .sort((a, b) => a - b);
    return kept.map((n) => `[${n}]`).join("");
  });
}

function citationFor(n: number, ranked: Ranked, evidence: Evidence, claim: Word[]): Citation {
  const passage = ranked.passage;
  let best: Span = { start: 0, end: passage.text.length };
  let bestScore = -1;
  for (const { span, vocabulary } of evidence.sentences) {
    const score = claim.reduce((sum, w) => sum + (knows(vocabulary, w) ? (w.name || w.number ? 2 : 1) : 0), 0);
    if (score > bestScore) {
      best = span;
      bestScore = score;
    }
  }
  return buildCitation(n, ranked, best, claim.map((w) => w.token).join(" "));
}

/** The shared stopwords, plus words that say where a claim comes from rather than what it claims. */
const CITATION_STOPWORDS = new Set([
  ...STOPWORDS,
  ..."above herself himself myself themselves article articles passage passages report reports reported source sources however meanwhile whereas although though".split(
    " ",
  ),
]);

/** Words that negate, as `tokenize` writes them ("didn't" → "didnt"). */
const NEGATORS = new Set(
  (
    "not no never none nobody nothing neither nor without cannot dont doesnt didnt isnt arent wasnt werent wont " +
    "cant couldnt shouldnt wouldnt hasnt havent hadnt aint mustnt neednt"
  ).split(" "),
);

/** What an abstention may say besides the question's words: that the articles lack the answer. */
const ABSTENTION_WORDS = new Set(
  (
    "provided text texts information detail details specific specifically explicitly exactly whether answer " +
    "question mention mentions contain contains include includes cover covers say state specify given any"
  ).split(" "),
);

/** The words of `text` in order, through the shared tokenizer; number words become digits. */
function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  const raws = text.match(/\S+/g) ?? [];
  raws.forEach((raw, i) => {
    if (/^[—–-]+$/.test(raw)) {
      if (words.length > 0) words[words.length - 1].closesPhrase = true;
      return;
    }
    const capital = isWrittenAsName(raws, i);
    const tokens = tokenize(raw);
    tokens.forEach((t, j) => {
      const token = parseNumberWord(t);
      words.push({
        token,
        name: capital && j === 0,
        number: isNumberToken(token),
        negator: NEGATORS.has(token),
        closesPhrase: j === tokens.length - 1 && /[,;:.!?)\]—–]["'”’)]*$/.test(raw),
      });
    });
  });
  return words;
}

function vocabularyOf(tokens: Iterable<string>): Vocabulary {
  const set = new Set(tokens);
  return { tokens: set, stems: new Set([...set].map(stemForVerification)) };
}

function evidenceOf(passage: Passage): Evidence {
  const extra = wordsOf(passage.title).map((w) => w.token);
  // Articles carry the year only in their date, and write "%" where a model writes "percent".
  for (const number of passage.date?.match(/\d+/g) ?? []) extra.push(String(Number(number)));
  if (passage.text.includes("%")) extra.push("percent");
  const sentences = splitSentences(passage.text).map((span) => {
    const words = wordsOf(passage.text.slice(span.start, span.end));
    const negated = new Set(negatedWords(words));
    const affirmed = new Set(words.filter((w) => !negated.has(w)).map((w) => w.token));
    return {
      span,
      vocabulary: vocabularyOf(words.map((w) => w.token)),
      negated: vocabularyOf([...negated].map((w) => w.token)),
      onlyNegated: vocabularyOf([...negated].map((w) => w.token).filter((t) => !affirmed.has(t))),
      negates: words.some((w) => w.negator),
    };
  });
  const tokens = [...extra, ...sentences.flatMap((s) => [...s.vocabulary.tokens])];
  return { vocabulary: vocabularyOf(tokens), sentences, ...(passage.url !== undefined ? { url: passage.url } : {}) };
}

/** Takes out every link that is not one of `own` (a model, or an article that injects one, can write any). */
function removeForeignLinks(sentence: string, own: Set<string>): string {
  const isOwn = (url: string) => [...own].some((o) => sameUrl(o, url));
  return sentence
    .replace(MARKDOWN_LINK, (link: string, _label: string, url: string) => (isOwn(url) ? link : " "))
    .replace(URL, (url: string) => (isOwn(url) ? url : (/[.,;:!?]+$/.exec(url)?.[0] ?? " ")))
    .replace(/\(\s*(?:[,;]\s*)*\)/g, " ")
    .replace(/\(\s*[,;]\s*/g, "(")
    .replace(/\s*[,;]\s*\)/g, ")")
    .replace(/[ \t]{2,}/g, " ");
}

/** The same link whatever its case, trailing punctuation or slash: "https://x.org/a/" and "https://x.org/a". */
function sameUrl(own: string | undefined, written: string): boolean {
  if (own === undefined) return false;
  const plain = (url: string) =>
    url
      .trim()
      .replace(/[.,;:!?)\]>]+$/, "")
      .replace(/\/+$/, "")
      .toLowerCase();
  return plain(own) === plain(written);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function tidy(text: string): string {
  return text
    .split("\n")
    .map((line) =>
      line
        .replace(/[ \t]+/g, " ")
        .replace(/ +([.,;:!?])/g, "$1")
        .trimEnd(),
    )
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
