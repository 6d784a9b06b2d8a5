// /search: ranked passages with their scores, no answer.
import { excerptPassage } from "../core/answer/cap-quote.js";
import type { SearchResult } from "../core/ports.js";
import { DISCORD_LIMITS as L, type RenderedMessage } from "./discord-limits.js";
import { escapeMarkdownText } from "./escape-markdown.js";
import { formatQuote, formatSourceLine } from "./format-source.js";
import { packEmbeds, type EmbedBlock } from "./pack-embeds.js";

const SEARCH_COLOR = 0x3d8b5a;
const PASSAGE_QUOTE_MAX = 600;

export function renderSearchResults(result: SearchResult): RenderedMessage[] {
  const query = escapeMarkdownText(result.query);
  if (result.results.length === 0) {
    return [{ embeds: [{ title: query.slice(0, L.embedTitle), description: "No passages matched.", color: SEARCH_COLOR }] }];
  }
  const section = `Passages for “${query}”`.slice(0, 200);
  const blocks: EmbedBlock[] = result.results.map(({ passage, score }, i) => {
    const excerpt = excerptPassage(passage, result.query, PASSAGE_QUOTE_MAX);
    const header = formatSourceLine(passage, excerpt.lines, false);
    return {
      kind: "field",
      section,
      field: {
        name: `${i + 1}. ${escapeMarkdownText(passage.title || passage.source)} (score ${score.toFixed(3)})`,
        value: `${header}\n${formatQuote(excerpt.text, Math.min(PASSAGE_QUOTE_MAX, L.fieldValue - header.length - 1))}`,
      },
    };
  });
  return packEmbeds(blocks, { color: SEARCH_COLOR });
}
