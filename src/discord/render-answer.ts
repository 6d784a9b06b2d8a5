// An Answer as one Discord message: the text with [n] markers, then each source with its quote.
import { excerptPassage } from "../core/answer/cap-quote.js";
import { NO_ARTICLE_MATCHES } from "../core/pipeline/create-pipeline.js";
import type { Answer } from "../core/types.js";
import { DISCORD_LIMITS as L, type RenderedMessage } from "./discord-limits.js";
import { escapeMarkdownText } from "./escape-markdown.js";
import { formatQuote, formatSourceLine } from "./format-source.js";
import { packEmbeds, type EmbedBlock } from "./pack-embeds.js";
import { trimAtSentence } from "./split-text.js";

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

/** The answer's own text in a reply: one message's worth, the rest is for "Show passages". */
export const ANSWER_TEXT_MAX = L.content;
export const MORE_SOURCES = "More sources";

/**
 * Renders an answer as one message within every Discord limit: the text (at most `ANSWER_TEXT_MAX`
 * characters, cut at a sentence), then as many sources as fit; the rest are named in a last field and
 * shown whole by "Show passages". Returned as a list, like every renderer.
 */
export function renderAnswer(answer: Answer, options: RenderAnswerOptions = {}): RenderedMessage[] {
  const title = escapeMarkdownText(options.question ?? answer.question);
  const sources: EmbedBlock[] = [];
  let head: EmbedBlock;
  let section: string;
  if (answer.abstained) {
    section = NEAREST_SECTION;
    const said = answer.text.trim();
    const nearestHeading = answer.nearest.length ? `\n\n${NEAREST_SECTION}:` : "";
    // Filters that leave no article are not the articles' silence: say only what happened.
    const notice = said.startsWith(NO_ARTICLE_MATCHES) ? "" : `**${ABSTAIN_NOTICE}**\n`;
    const description = `${notice}${said ? trimAtSentence(escapeMarkdownText(said), ANSWER_TEXT_MAX) : ""}${nearestHeading}`.trim();
    head = { kind: "text", title, description, section };
    for (const { passage } of answer.nearest.slice(0, NEAREST_SHOWN)) {
      const excerpt = excerptPassage(passage, answer.question, NEAREST_QUOTE_MAX);
      const header = formatSourceLine(passage, excerpt.lines, false);
      sources.push({
        kind: "field",
        section,
        field: {
          name: escapeMarkdownText(passage.title || passage.source),
          value: `${header}\n${formatQuote(excerpt.text, Math.min(NEAREST_QUOTE_MAX, L.fieldValue - header.length - 1))}`,
        },
      });
    }
  } else {
    section = SOURCES_SECTION;
    head = { kind: "text", title, description: trimAtSentence(escapeMarkdownText(answer.text), ANSWER_TEXT_MAX) || "\u200b", section };
    for (const citation of answer.citations) {
      const header = formatSourceLine(citation, citation.lines, false);
      sources.push({
        kind: "field",
        section,
        field: {
          name: `[${citation.n}] ${escapeMarkdownText(citation.title || citation.source)}`,
          value: `${header}\n${formatQuote(citation.quote, L.fieldValue - header.length - 1)}`,
        },
      });
    }
  }
  const pack = (blocks: EmbedBlock[]) =>
    packEmbeds(blocks, { color: answer.abstained ? ABSTAIN_COLOR : ANSWER_COLOR, footer: describeAuthor(answer) });
  // Sources that do not fit the one message are named in a last field instead, fewest left out first.
  for (let shown = sources.length; shown >= 0; shown--) {
    const left = sources.length - shown;
    const note: EmbedBlock[] = left === 0 ? [] : [{ kind: "field", section, field: { name: MORE_SOURCES, value: moreSourcesNote(answer, left) } }];
    const messages = pack([head, ...sources.slice(0, shown), ...note]);
    if (messages.length === 1) return messages;
  }
  return pack([head]).slice(0, 1);
}

function moreSourcesNote(answer: Answer, left: number): string {
  const what = `${left} more source${left === 1 ? "" : "s"}`;
  return answer.abstained ? `${what} not shown.` : `${what}: press “Show passages” to read every cited passage.`;
}

function describeAuthor(answer: Answer): string | undefined {
  if (answer.fallback) return `Extractive answer: ${answer.fallback}`;
  if (answer.model) return `Written by ${answer.model}; every citation checked against its passage.`;
  return undefined;
}
