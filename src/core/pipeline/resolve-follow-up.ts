// Turns a follow-up in a conversation ("tell me more about [2]", "and what did Israel say?") into a question
// that retrieval can answer on its own, using the earlier turns. Plain function, no model needed.
import type { Turn } from "../ports.js";
import { CITATION_MARKER, readCitationMarker } from "../text/citation-markers.js";
import type { Citation } from "../types.js";

export interface ResolvedFollowUp {
  /** What to retrieve and answer with. */
  question: string;
  /** The citations that "[n]" in the message referred to, from the earlier answers. */
  referenced: Citation[];
  /** Whether the earlier conversation changed the question. */
  resolved: boolean;
}

/** A referenced quote adds this much of its text to the question: enough to find it again. */
export const REFERENCE_QUOTE_MAX = 200;

/** Openings that lean on what came before. */
const LEANS_ON_CONTEXT =
  /^(?:and|but|or|so|also|then|what about|how about|what else|why|how come|tell me more|more on|more about|what did (?:he|she|they|it)|did (?:he|she|they|it))\b/i;
/** Words that point back at something said earlier. */
const POINTS_BACK = /\b(?:he|she|they|them|him|her|his|their|it|its|this|that|these|those|there|then)\b/i;
const SHORT_WORDS = 6;

/**
 * Resolves `message` against `history` (oldest first). "[n]" is read as the latest earlier answer's
 * citation n and replaced by its quote and title; a message that leans on context (starts with "and",
 * "what about", points back with "he", "that", or is very short) gets the earlier question attached.
 */
export function resolveFollowUp(message: string, history: Turn[]): ResolvedFollowUp {
  const text = message.trim();
  const previous = history.at(-1);
  if (!previous) return { question: text, referenced: [], resolved: false };

  const referenced: Citation[] = [];
  const withReferences = text.replace(CITATION_MARKER, (marker: string) => {
    // Only a plain "[n]" refers to one earlier citation; "[1, 2]" and "[source 2]" stay as the member wrote them.
    const [n] = readCitationMarker(marker);
    if (marker !== `[${n}]`) return marker;
    const citation = findCitation(history, n);
    if (!citation) return marker;
    if (!referenced.includes(citation)) referenced.push(citation);
    return `"${shorten(citation.quote, REFERENCE_QUOTE_MAX)}" (${citation.title})`;
  });
  if (referenced.length > 0) return { question: withReferences, referenced, resolved: true };

  if (!leansOnContext(text)) return { question: text, referenced, resolved: false };
  return { question: `${text} (following up on: ${previous.question.trim()})`, referenced, resolved: true };
}

function leansOnContext(text: string): boolean {
  const words = text.split(/\s+/).filter(Boolean);
  return LEANS_ON_CONTEXT.test(text) || POINTS_BACK.test(text) || words.length < SHORT_WORDS;
}

/** The most recent answer that has a citation numbered n. */
function findCitation(history: Turn[], n: number): Citation | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const found = history[i]?.answer.citations.find((c) => c.n === n);
    if (found) return found;
  }
  return undefined;
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.lastIndexOf(" ", max);
  return `${flat.slice(0, cut > 0 ? cut : max)}…`;
}
