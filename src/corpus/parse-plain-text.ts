import { buildArticle, fallbackTitle, type BodyLine, type ParsedFile } from "./build-article.js";
import { normalizeDate } from "./normalize-date.js";
import { parseFrontMatter } from "./parse-front-matter.js";
import { splitLines } from "./split-lines.js";

/** Longer first lines are the start of the text, not a headline. */
export const MAX_TITLE_LINE_LENGTH = 150;

const MARKDOWN_LINE_BREAK = /<\/?br\s*\/?>/i;
const MARKDOWN_HEADING = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
/** Ends like a sentence ("…on Thursday.") rather than a headline ("U.S.", "Rivals of the Apple..."). */
const SENTENCE_END = /[a-z0-9,;)"”’']\.$/;

/**
 * .txt and .md: front matter when present; else a short first line followed by a blank line (or a Markdown
 * `# heading`) is the title; else the title comes from the file name. Every other line stays a body line
 * mapped to its own file line, so quotes are verbatim; Markdown only loses the `#` markers of headings and
 * its `<br>` tags, each of which ends a body line (the pieces keep the file line).
 */
export function parsePlainText(source: string, text: string, options: { markdown: boolean }): ParsedFile {
  const lines = splitLines(text);
  const frontMatter = parseFrontMatter(lines);
  let start = frontMatter?.bodyStart ?? 0;
  let title = frontMatter?.fields.title;

  if (!title) {
    const found = findTitleLine(lines, start, options.markdown);
    if (found) {
      title = found.title;
      start = found.index + 1;
    }
  }

  const body: BodyLine[] = [];
  for (let i = start; i < lines.length; i++) {
    for (const text of options.markdown ? splitAtLineBreakTags(stripHeadingMarkers(lines[i])) : [lines[i]]) {
      body.push({ text, span: [i + 1, i + 1] });
    }
  }
  const article = buildArticle(
    {
      source,
      title: title || fallbackTitle(source, body.find((line) => line.text.trim())?.text ?? ""),
      url: frontMatter?.fields.url,
      date: normalizeDate(frontMatter?.fields.date ?? frontMatter?.fields.published_at),
    },
    body,
  );
  if (!article) return { articles: [], skipped: [{ source, reason: "no article text (only a title or front matter)" }] };
  return { articles: [article], skipped: [] };
}

function findTitleLine(lines: string[], from: number, markdown: boolean): { title: string; index: number } | undefined {
  let index = from;
  while (index < lines.length && lines[index].trim() === "") index++;
  if (index >= lines.length) return undefined;
  const line = lines[index].trim();
  const heading = markdown ? MARKDOWN_HEADING.exec(line) : null;
  if (heading && heading[1] === "#" && heading[2] !== "") return { title: heading[2], index };

  const candidate = heading ? heading[2] : line;
  const nextIsBlank = index + 1 < lines.length && lines[index + 1].trim() === "";
  if (candidate.length <= MAX_TITLE_LINE_LENGTH && nextIsBlank && !SENTENCE_END.test(candidate)) {
    return { title: candidate, index };
  }
  return undefined;
}

function stripHeadingMarkers(line: string): string {
  const heading = MARKDOWN_HEADING.exec(line);
  return heading ? heading[2] : line;
}

/** A `<br>` in Markdown is a line break, so no sentence may run over it; it adds no paragraph break. */
function splitAtLineBreakTags(line: string): string[] {
  const pieces = line.split(MARKDOWN_LINE_BREAK);
  if (pieces.length === 1) return pieces;
  const text = pieces.filter((piece) => piece.trim() !== "");
  return text.length > 0 ? text : [""];
}
