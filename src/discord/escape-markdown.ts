// Article text is data: shown as written, never as formatting, masked links, headings or mentions.

/** Escapes the Markdown an article's text could carry, keeping [n] citation markers readable; mentions become text. */
export function escapeMarkdownText(text: string): string {
  return escapeMentions(
    text
      .replace(/([\\*_~`|])/g, "\\$1")
      .replace(/^(\s*)([>#-])/gm, "$1\\$2")
      .replace(/\]\(/g, "]\\(")
      .replace(/\[(?!\d+\])/g, "\\["),
  );
}

/** Text that goes inside a masked link's brackets: no brackets of its own. */
export function escapeLinkText(text: string): string {
  return escapeMarkdownText(text).replace(/\]/g, "\\]");
}

/**
 * @everyone, @here and <@id>/<@&id>/<#id> shown as text: a zero-width space after the "@" (or "#"), as
 * discord.js's cleanContent does. allowed_mentions already stops pings; this also stops the highlight, which
 * would make an article or a member's words look like a real mention.
 */
export function escapeMentions(text: string): string {
  return text.replace(/@(everyone|here)\b/g, "@\u200b$1").replace(/<(@[!&]?|#)(\d+)>/g, "<$1\u200b$2>");
}
