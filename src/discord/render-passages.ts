// "Show passages": each cited passage quoted in full, for the member who asked.
import { quotePassage } from "../core/answer/cap-quote.js";
import type { Citation, Passage } from "../core/types.js";
import { DISCORD_LIMITS as L, type RenderedMessage } from "./discord-limits.js";
import { escapeMarkdownText } from "./escape-markdown.js";
import { formatSourceLine } from "./format-source.js";
import { packEmbeds, type EmbedBlock } from "./pack-embeds.js";
import { splitAtSentences } from "./split-text.js";

const PASSAGE_COLOR = 0x5b5f97;
/**
 * Longest passage shown: every passage the chunker closes (at most 1,000 characters unless one sentence is
 * longer) is shown whole; a passage that is one 5 MB line is shown around its quote, not in 600 messages.
 */
export const PASSAGE_SHOWN_MAX = 3500;

/** Quotes every cited passage whole (up to `PASSAGE_SHOWN_MAX`), split across embeds and messages as the limits need. */
export function renderPassages(citations: Citation[], getPassage: (id: string) => Passage | undefined): RenderedMessage[] {
  const blocks: EmbedBlock[] = [];
  for (const citation of citations) {
    const passage = getPassage(citation.passageId);
    const shown = passage
      ? quotePassage(passage, { start: 0, end: passage.text.length }, { focus: citation.quote, maxChars: PASSAGE_SHOWN_MAX })
      : undefined;
    const text = shown?.quote ?? citation.quote;
    const lines = shown?.lines ?? citation.lines;
    const header = formatSourceLine(passage ?? citation, lines, false);
    const quoted = escapeMarkdownText(text.trim())
      .split("\n")
      .map((line) => `> ${line}`)
      .join("\n");
    const pieces = splitAtSentences(quoted, L.embedDescription - header.length - 1);
    pieces.forEach((piece, i) => {
      const body = piece.startsWith(">") ? piece : `> ${piece}`;
      blocks.push({
        kind: "text",
        ...(i === 0 ? { title: `[${citation.n}] ${escapeMarkdownText(citation.title || citation.source)}` } : {}),
        description: i === 0 ? `${header}\n${body}` : body,
      });
    });
  }
  if (blocks.length === 0) return [{ content: "This answer has no cited passages.", embeds: [] }];
  return packEmbeds(blocks, { color: PASSAGE_COLOR });
}
