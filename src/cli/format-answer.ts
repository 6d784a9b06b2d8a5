// Answers and search results as a person reads them in a terminal.
import { capText, excerptPassage } from "../core/answer/cap-quote.js";
import type { AskResult, SearchResult } from "../core/ports.js";
import type { LineRange } from "../core/types.js";

/** Longest answer text a terminal shows; quotes are capped in the core (cap-quote.ts), `--json` has it all. */
export const ANSWER_TEXT_MAX_CHARS = 2000;
/** Longest excerpt of a search result in the terminal. */
const SEARCH_EXCERPT_MAX_CHARS = 300;

const lineLabel = ([first, last]: LineRange) => (first === last ? `${first}` : `${first}-${last}`);
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

export function formatAnswer(result: AskResult): string {
  const out = [capText(oneLine(result.text), ANSWER_TEXT_MAX_CHARS), ""];
  if (result.fallback) out.push(`(Note: ${result.fallback})`, "");
  if (result.abstained) {
    if (result.nearest.length) {
      out.push("Nearest sources (they do not answer it):");
      for (const r of result.nearest) out.push(`  - ${r.passage.title} (${r.passage.source}:${lineLabel(r.passage.lines)})`);
    }
    return out.join("\n");
  }
  out.push("Sources:");
  for (const c of result.citations) {
    const meta = [c.date, c.url].filter(Boolean).join(" · ");
    out.push(`[${c.n}] ${c.title} (${c.source}:${lineLabel(c.lines)})${meta ? ` ${meta}` : ""}`);
    out.push(`    "${oneLine(c.quote)}"`);
  }
  return out.join("\n");
}

export function formatSearch(result: SearchResult): string {
  if (result.results.length === 0) return "No passages found.";
  return result.results
    .map(({ passage, score }, i) => {
      const excerpt = excerptPassage(passage, result.query, SEARCH_EXCERPT_MAX_CHARS);
      return `${i + 1}. [${score.toFixed(3)}] ${passage.title} (${passage.source}:${lineLabel(excerpt.lines)})\n   ${oneLine(excerpt.text)}`;
    })
    .join("\n");
}
