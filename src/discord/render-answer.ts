// An Answer as Discord messages: the text with [n] markers, then each source with its quote.
import { NO_ARTICLE_MATCHES } from "../core/create-pipeline.js";
import type { Answer } from "../core/types.js";
import { DISCORD_LIMITS as L, type RenderedMessage } from "./discord-limits.js";
import { escapeMarkdownText } from "./escape-markdown.js";
import { formatQuote, formatSourceLine } from "./format-source.js";
import { packEmbeds, type EmbedBlock } from "./pack-embeds.js";
import { splitAtSentences } from "./split-text.js";

export const ANSWER_COLOR = 0x2f6fb3;
export const ABSTAIN_COLOR = 0x8a8f98;
export const ABSTAIN_NOTICE = "The indexed articles don't answer this.";
export const NEAREST_SECTION = "Nearest sources (they do not answer it)";
export const SOURCES_SECTION = "Sources";
const NEAREST_SHOWN = 5;
const NEAREST_QUOTE_MAX = 300;

export interface RenderAnswerOptions {
  /** The question as the member asked it (shown as the title); defaults to `answer.question`. */
  question?: string;
}

/** Renders an answer into one or more messages, each within every Discord limit; send them in order. */
export function renderAnswer(answer: Answer, options: RenderAnswerOptions = {}): RenderedMessage[] {
  const title = escapeMarkdownText(options.question ?? answer.question);
  const blocks: EmbedBlock[] = [];
  if (answer.abstained) {
    const said = answer.text.trim();
    const nearestHeading = answer.nearest.length ? `\n\n${NEAREST_SECTION}:` : "";
    // Filters that leave no article are not the articles' silence: say only what happened.
    const notice = said.startsWith(NO_ARTICLE_MATCHES) ? "" : `**${ABSTAIN_NOTICE}**\n`;
    const description = `${notice}${said ? escapeMarkdownText(said) : ""}${nearestHeading}`.trim();
    addText(blocks, title, description, NEAREST_SECTION);
    for (const { passage } of answer.nearest.slice(0, NEAREST_SHOWN)) {
      const header = formatSourceLine(passage, passage.lines, false);
      blocks.push({
        kind: "field",
        section: NEAREST_SECTION,
        field: { name: escapeMarkdownText(passage.title || passage.source), value: `${header}\n${formatQuote(passage.text, Math.min(NEAREST_QUOTE_MAX, L.fieldValue - header.length - 1))}` },
      });
    }
  } else {
    addText(blocks, title, escapeMarkdownText(answer.text), SOURCES_SECTION);
    for (const citation of answer.citations) {
      const header = formatSourceLine(citation, citation.lines, false);
      blocks.push({
        kind: "field",
        section: SOURCES_SECTION,
        field: { name: `[${citation.n}] ${escapeMarkdownText(citation.title || citation.source)}`, value: `${header}\n${formatQuote(citation.quote, L.fieldValue - header.length - 1)}` },
      });
    }
  }
  return packEmbeds(blocks, { color: answer.abstained ? ABSTAIN_COLOR : ANSWER_COLOR, footer: describeAuthor(answer) });
}

/** Long text becomes several embeds; fields of `section` follow the last of them. */
function addText(blocks: EmbedBlock[], title: string, text: string, section: string): void {
  const pieces = splitAtSentences(text, L.embedDescription);
  if (pieces.length === 0) pieces.push("\u200b");
  pieces.forEach((description, i) => {
    blocks.push({ kind: "text", ...(i === 0 ? { title } : {}), description, ...(i === pieces.length - 1 ? { section } : {}) });
  });
}

function describeAuthor(answer: Answer): string | undefined {
  if (answer.fallback) return `Extractive answer: ${answer.fallback}`;
  if (answer.model) return `Written by ${answer.model}; every citation checked against its passage.`;
  return undefined;
}
