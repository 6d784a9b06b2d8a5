// Article text is data: shown as written, never as formatting, masked links or headings.

/** Escapes the Markdown an article's text could carry, keeping [n] citation markers readable. */
export function escapeMarkdownText(text: string): string {
  return text
    .replace(/([\\*_~`|])/g, "\\$1")
    .replace(/^(\s*)([>#-])/gm, "$1\\$2")
    .replace(/\]\(/g, "]\\(")
    .replace(/\[(?!\d+\])/g, "\\[");
}

/** Text that goes inside a masked link's brackets: no brackets of its own. */
export function escapeLinkText(text: string): string {
  return escapeMarkdownText(text).replace(/\]/g, "\\]");
}
