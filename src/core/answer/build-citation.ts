// The one builder of Citation objects, for the extractive answerer and the citation check alike.
import { quotePassage } from "./cap-quote.js";
import type { Span } from "../text/split-sentences.js";
import type { Citation, Ranked } from "../types.js";

/** Citation `n` of `ranked`'s passage: a capped verbatim quote of `span`, centred on what `focus` names. */
export function buildCitation(n: number, ranked: Ranked, span: Span, focus: string): Citation {
  const { passage } = ranked;
  // A "sentence" may be a whole unpunctuated line: the quote is capped around what the focus asks.
  const { quote, lines } = quotePassage(passage, span, { focus });
  return {
    n,
    source: passage.source,
    title: passage.title,
    ...(passage.url ? { url: passage.url } : {}),
    ...(passage.date ? { date: passage.date } : {}),
    lines,
    quote,
    score: ranked.score,
    passageId: passage.id,
  };
}
