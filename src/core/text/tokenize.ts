// One tokenizer for every lexical signal (embedding, answer sentence scoring), so that they agree.

// Function words that carry no topic. Question words stay out of it: the answerer reads them separately.
export const STOPWORDS = new Set(
  (
    "a an and are as at be been being but by can could did do does doing for from had has have having he her " +
    "here hers him his how i if in into is it its itself just me more most my no nor not of off on once only or " +
    "other our ours out over own same she should so some such than that the their theirs them then there these " +
    "they this those through to too under until up very was we were what when where which while who whom why " +
    "will with would you your yours about after again against all am any because before below between both " +
    "down during each few further s t don now also said says say tell told according"
  ).split(" "),
);

const WORD_CHAR = /[\p{L}\p{N}]/u;
// Whether each BMP code point is a letter or digit, filled on first sight (0 unknown, 1 yes, 2 no): the
// tokenizer runs over every passage of every search, and a regex test per character would dominate it.
const bmpWordChars = new Uint8Array(0x10000);

function isWordChar(code: number): boolean {
  if (code < 0x80) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
  if (code > 0xffff) return WORD_CHAR.test(String.fromCodePoint(code));
  if (bmpWordChars[code] === 0) bmpWordChars[code] = WORD_CHAR.test(String.fromCharCode(code)) ? 1 : 2;
  return bmpWordChars[code] === 1;
}

/** The index after the run of letters and digits that starts at `i` (surrogate pairs count as one character). */
function endOfWordRun(text: string, i: number): number {
  while (i < text.length) {
    const code = text.codePointAt(i) as number;
    if (!isWordChar(code)) break;
    i += code > 0xffff ? 2 : 1;
  }
  return i;
}

/** ".", ",", "'" and "’": kept inside a word ("5,000", "u.s", "o'neill"), never at its edges. */
function isJoiner(code: number): boolean {
  return code === 46 || code === 44 || code === 39 || code === 0x2019;
}

/** Possessives folded, apostrophes dropped; digit separators dropped, decimal points kept in numbers. */
function foldJoiners(word: string): string {
  let token = word.replace(/['’]s$/u, "").replace(/['’]/gu, "");
  if (/^[\d.,]+$/.test(token)) token = token.replace(/,/g, "");
  else token = token.replace(/[.,]/g, "");
  return token;
}

/**
 * Lowercased words and numbers; possessives folded ("Russia's" → "russia"); digits kept ("2,000" → "2000").
 * A word is a run of letters and digits (\p{L}, \p{N}), joined across a single ".", ",", "'" or "’" between
 * two of them. Scanned by hand rather than with a regex: this runs over every candidate passage of a search.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const lower = text.toLowerCase();
  let i = 0;
  while (i < lower.length) {
    const code = lower.codePointAt(i) as number;
    if (!isWordChar(code)) {
      i += code > 0xffff ? 2 : 1;
      continue;
    }
    const start = i;
    let joined = false;
    i = endOfWordRun(lower, i);
    while (i + 1 < lower.length && isJoiner(lower.charCodeAt(i)) && isWordChar(lower.codePointAt(i + 1) as number)) {
      joined = true;
      i = endOfWordRun(lower, i + 1);
    }
    const word = lower.slice(start, i);
    const token = joined ? foldJoiners(word) : word;
    if (token) tokens.push(token);
  }
  return tokens;
}

/** Tokens without stopwords: the words that say what a text is about. */
export function contentTokens(text: string): string[] {
  return tokenize(text).filter((t) => !STOPWORDS.has(t));
}
