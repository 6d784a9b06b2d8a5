// Splitting and trimming text for Discord's length limits without separating a claim from its [n] marker.
import { splitSentences as findSentenceSpans } from "../core/text/split-sentences.js";

/**
 * Cuts text into sentences at the core's boundaries (abbreviations such as "U.S." or "Jan. 25" do not end one,
 * and the [n] markers after a full stop stay with the sentence they cite); joining the result gives the text
 * back exactly.
 */
export function splitSentences(text: string): string[] {
  const spans = findSentenceSpans(text);
  if (spans.length === 0) return text ? [text] : [];
  return spans.map((span, i) => text.slice(i === 0 ? 0 : span.start, spans[i + 1]?.start ?? text.length));
}

/** Splits one over-long piece at word boundaries (a word longer than max is cut where it must be). */
function splitAtWords(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    let cut = rest.lastIndexOf(" ", max);
    if (cut <= 0) cut = max;
    chunks.push(dropDanglingEscape(rest.slice(0, cut).trimEnd()));
    rest = rest.slice(cut).trimStart();
  }
  if (rest) chunks.push(rest);
  return chunks;
}

/** A cut right after a Markdown escape backslash would escape whatever Discord puts next. */
function dropDanglingEscape(text: string): string {
  const trailing = /\\+$/.exec(text)?.[0].length ?? 0;
  return trailing % 2 === 1 ? text.slice(0, -1) : text;
}

/**
 * Splits text into chunks of at most `max` characters, breaking only between sentences unless a single
 * sentence is longer than `max`. Whitespace at chunk edges is dropped; nothing else is.
 */
export function splitAtSentences(text: string, max: number): string[] {
  if (max < 1) throw new RangeError("max must be at least 1");
  const chunks: string[] = [];
  let current = "";
  const flush = () => {
    const trimmed = current.trim();
    if (trimmed) chunks.push(trimmed);
    current = "";
  };
  for (const sentence of splitSentences(text)) {
    if ((current + sentence).trim().length <= max) {
      current += sentence;
      continue;
    }
    flush();
    if (sentence.trim().length <= max) {
      current = sentence;
    } else {
      const pieces = splitAtWords(sentence, max);
      current = pieces.pop() ?? "";
      chunks.push(...pieces);
    }
  }
  flush();
  return chunks;
}

/**
 * Shortens text to at most `max` characters: whole sentences when at least one fits, else whole words,
 * with an ellipsis to show that something was left out.
 */
export function trimAtSentence(text: string, max: number, ellipsis = "…"): string {
  const whole = text.trim();
  if (whole.length <= max) return whole;
  const room = max - ellipsis.length;
  if (room < 1) return ellipsis.slice(0, max);
  let kept = "";
  for (const sentence of splitSentences(whole)) {
    if ((kept + sentence).trimEnd().length > room) break;
    kept += sentence;
  }
  kept = kept.trimEnd();
  if (!kept) kept = splitAtWords(whole, room)[0] ?? "";
  return dropDanglingEscape(kept) + ellipsis;
}
