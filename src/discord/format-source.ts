// How a source is named in every Discord reply: title (linked when safe), source:lines and date.
import type { LineRange } from "../core/types.js";
import { escapeLinkText, escapeMarkdownText } from "./escape-markdown.js";
import { trimAtSentence } from "./split-text.js";

/** Only plain http(s) URLs become links; anything else could hide a different target. */
export function isLinkableUrl(url: string | undefined): url is string {
  return url !== undefined && /^https?:\/\/[^\s()<>[\]]+$/i.test(url);
}

/** A title that reads like an address would make its link look like a different site's. */
const LOOKS_LIKE_ADDRESS = /:\/\/|\bwww\.|\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b/i;

/** The title as a link to the article, or in bold when there is no safe url or the title looks like an address. */
export function formatTitle(title: string, url: string | undefined): string {
  if (!isLinkableUrl(url)) return `**${escapeMarkdownText(title)}**`;
  if (LOOKS_LIKE_ADDRESS.test(title)) return `**${escapeMarkdownText(title)}** ([article](${url}))`;
  return `[${escapeLinkText(title)}](${url})`;
}

export function formatLines(source: string, [first, last]: LineRange): string {
  return first === last ? `${source}:${first}` : `${source}:${first}-${last}`;
}

/** "[Title](url) · `source:3-4` · 2006-02-10", the title linked only when the article has a usable url. */
export function formatSourceLine(source: { title: string; url?: string; source: string; date?: string }, lines: LineRange, withTitle = true): string {
  const parts: string[] = [];
  if (withTitle) {
    const title = trimAtSentence(source.title || source.source, 120);
    parts.push(formatTitle(title, source.url));
  } else if (isLinkableUrl(source.url)) {
    parts.push(`[article](${source.url})`);
  }
  parts.push(`\`${formatLines(source.source, lines).replace(/`/g, "'")}\``);
  if (source.date) parts.push(source.date.slice(0, 10));
  return parts.join(" · ");
}

/** Quotes text as a Markdown block quote that fits `max` characters, trimmed at a sentence when it must be. */
export function formatQuote(text: string, max: number): string {
  const escaped = escapeMarkdownText(text.trim());
  const quote = (body: string) =>
    body
      .split("\n")
      .map((line) => `> ${line}`)
      .join("\n");
  let budget = max;
  let formatted = quote(trimAtSentence(escaped, budget));
  while (formatted.length > max && budget > 1) {
    budget -= formatted.length - max;
    formatted = quote(trimAtSentence(escaped, Math.max(budget, 1)));
  }
  return formatted;
}
