import type { LineRange } from "../core/types.js";
import { buildArticle, collapseWhitespace, titleFromFileName, type BodyLine, type ParsedFile } from "./build-article.js";
import { decodeHtmlEntities } from "./decode-html-entities.js";
import { normalizeDate } from "./normalize-date.js";
import { createLineLocator } from "./split-lines.js";
import { tokenizeHtml, type HtmlToken } from "./tokenize-html.js";

interface HtmlElement {
  name: string;
  attrs: Record<string, string>;
  children: HtmlNode[];
  parent?: HtmlElement;
}
interface HtmlText {
  start: number;
  end: number;
}
type HtmlNode = HtmlElement | HtmlText;

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]);
/** Never article text: scripts, page chrome, widgets. */
const DROPPED = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "nav",
  "header",
  "footer",
  "aside",
  "form",
  "svg",
  "math",
  "iframe",
  "object",
  "canvas",
  "button",
  "select",
  "dialog",
  "head",
  "title",
]);
/** Each of these starts a new body line, and a paragraph break around it. */
const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "caption",
  "dd",
  "details",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hgroup",
  "hr",
  "html",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "ul",
]);
/** Opening one of these closes a paragraph left open, as browsers do. */
const CLOSES_P = new Set([...BLOCK].filter((name) => !["body", "html", "td", "th", "tr", "caption", "tbody", "thead", "tfoot"].includes(name)));
/** An open element of the same group is closed by the next one (`<li>a<li>b`). */
const SIBLING_GROUPS: Record<string, string[]> = {
  li: ["li"],
  dt: ["dt", "dd"],
  dd: ["dt", "dd"],
  td: ["td", "th"],
  th: ["td", "th"],
  tr: ["tr"],
  option: ["option"],
};
const SIBLING_SCOPE: Record<string, string[]> = {
  li: ["ul", "ol"],
  dt: ["dl"],
  dd: ["dl"],
  td: ["tr", "table"],
  th: ["tr", "table"],
  tr: ["table"],
  option: ["select"],
};
/** Elements that may sit in <head>; any other start tag means the page body has begun. */
const HEAD_CONTENT = new Set(["head", "html", "title", "meta", "link", "script", "style", "base", "noscript", "template"]);
const MAX_DEPTH = 400;
/** Below this share of the page's text, an <article> is a teaser card, not the story. */
const MIN_CONTAINER_SHARE = 0.25;

/**
 * .html: the title from <title> (else the first <h1>), url from og:url or the canonical link, date from
 * article:published_time or the first <time datetime>. The text comes from the largest <article> (else
 * <main>, else <body>), without scripts, navigation and other chrome. Each block element becomes one body
 * line spanning the file lines its text came from, so a quote is verbatim there once tags are removed and
 * entities decoded.
 */
export function parseHtml(source: string, html: string): ParsedFile {
  const root = buildTree(tokenizeHtml(html));
  const textOf = (node: HtmlNode) => textContent(html, node);

  const titleElement = findFirst(root, (e) => e.name === "title" && !hasAncestor(e, "svg"));
  const h1 = findFirst(root, (e) => e.name === "h1" && !isDropped(e));
  const title = collapseWhitespace((titleElement && textOf(titleElement)) || (h1 && textOf(h1)) || "") || titleFromFileName(source);

  const metas = findAll(root, (e) => e.name === "meta");
  const metaContent = (...keys: string[]) =>
    metas.find((m) => keys.includes((m.attrs.property ?? m.attrs.name ?? m.attrs.itemprop ?? "").toLowerCase()) && m.attrs.content?.trim())?.attrs
      .content;
  const canonical = findFirst(root, (e) => e.name === "link" && /(^|\s)canonical(\s|$)/i.test(e.attrs.rel ?? "") && !!e.attrs.href);
  const url = decodeHtmlEntities((metaContent("og:url") ?? canonical?.attrs.href ?? "").trim()) || undefined;

  const container = chooseContainer(root, html);
  const time =
    findFirst(container, (e) => e.name === "time" && !!e.attrs.datetime) ?? findFirst(root, (e) => e.name === "time" && !!e.attrs.datetime);
  const date = normalizeDate(metaContent("article:published_time", "og:published_time", "datepublished", "pubdate", "date") ?? time?.attrs.datetime);

  const article = buildArticle({ source, title, url, date }, collectBodyLines(html, container));
  if (!article) return { articles: [], skipped: [{ source, reason: "no article text found in the HTML" }] };
  return { articles: [article], skipped: [] };
}

function buildTree(tokens: HtmlToken[]): HtmlElement {
  const root: HtmlElement = { name: "#document", attrs: {}, children: [] };
  const stack: HtmlElement[] = [root];
  const top = () => stack[stack.length - 1];
  const closeTo = (index: number) => {
    stack.length = Math.max(1, index);
  };
  const openIndex = (names: string[], scope: string[] = []) => {
    for (let k = stack.length - 1; k > 0; k--) {
      if (names.includes(stack[k].name)) return k;
      if (scope.includes(stack[k].name)) return -1;
    }
    return -1;
  };

  for (const token of tokens) {
    if (token.kind === "text") top().children.push({ start: token.start, end: token.end });
    else if (token.kind === "start") {
      if (!HEAD_CONTENT.has(token.name)) {
        const head = openIndex(["head"]);
        if (head > 0) closeTo(head);
      }
      if (CLOSES_P.has(token.name) && top().name === "p") stack.pop();
      const group = SIBLING_GROUPS[token.name];
      if (group) {
        const open = openIndex(group, SIBLING_SCOPE[token.name]);
        if (open > 0) closeTo(open);
      }
      const element: HtmlElement = { name: token.name, attrs: token.attrs, children: [], parent: top() };
      top().children.push(element);
      // Past MAX_DEPTH, elements stop nesting, so pathological pages cannot exhaust the call stack.
      if (!VOID.has(token.name) && !token.selfClosing && stack.length < MAX_DEPTH) stack.push(element);
    } else if (token.kind === "end") {
      if (token.name === "br") top().children.push({ name: "br", attrs: {}, children: [], parent: top() });
      const open = openIndex([token.name]);
      if (open > 0) closeTo(open);
    }
  }
  return root;
}

function chooseContainer(root: HtmlElement, html: string): HtmlElement {
  const body = findFirst(root, (e) => e.name === "body") ?? root;
  const bodyText = visibleTextLength(html, body);
  for (const name of ["article", "main"]) {
    const candidates = findAll(root, (e) => e.name === name && !isDropped(e));
    if (candidates.length === 0) continue;
    const sized = candidates.map((e) => ({ e, size: visibleTextLength(html, e) })).sort((a, b) => b.size - a.size);
    if (sized[0].size >= bodyText * MIN_CONTAINER_SHARE) return sized[0].e;
  }
  return body;
}

function collectBodyLines(html: string, container: HtmlElement): BodyLine[] {
  const lineOf = createLineLocator(html);
  const lines: BodyLine[] = [];
  let pieces: string[] = [];
  let first = -1;
  let last = -1;
  let paragraphBreak = false;

  const flush = (kind: "line" | "paragraph") => {
    const text = collapseWhitespace(pieces.join(""));
    if (text !== "") {
      const span: LineRange = [lineOf(first), lineOf(last)];
      if (paragraphBreak && lines.length > 0) {
        const previous = lines[lines.length - 1].span[1];
        lines.push({ text: "", span: [previous, previous] });
      }
      lines.push({ text, span });
      paragraphBreak = false;
    }
    pieces = [];
    first = last = -1;
    if (kind === "paragraph") paragraphBreak = true;
  };
  const addText = (start: number, end: number) => {
    const raw = html.slice(start, end);
    pieces.push(decodeHtmlEntities(raw));
    const lead = raw.search(/\S/);
    if (lead === -1) return;
    if (first === -1) first = start + lead;
    last = start + raw.trimEnd().length - 1;
  };

  const walk = (node: HtmlNode, inPre: boolean) => {
    if (!("name" in node)) {
      if (!inPre) return addText(node.start, node.end);
      // Preformatted text keeps its line breaks (LF, CRLF or a classic Mac CR): each file line is a body line.
      let from = node.start;
      const breaks = /\r\n|\r|\n/g;
      breaks.lastIndex = from;
      for (let m = breaks.exec(html); m && m.index < node.end; m = breaks.exec(html)) {
        addText(from, m.index);
        flush("line");
        from = m.index + m[0].length;
      }
      return addText(from, node.end);
    }
    if (node.name === "br") return flush("line");
    if (isDroppedHere(node)) return flush(BLOCK.has(node.name) ? "paragraph" : "line");
    const block = BLOCK.has(node.name);
    if (block) flush("paragraph");
    for (const child of node.children) walk(child, inPre || node.name === "pre");
    if (block) flush("paragraph");
  };
  walk(container, hasAncestor(container, "pre"));
  flush("paragraph");
  return lines;
}

/** A header inside an <article> holds its headline and byline; a page-level header is chrome. */
function isDroppedHere(element: HtmlElement): boolean {
  if (element.name === "header" && hasAncestor(element, "article")) return false;
  return DROPPED.has(element.name);
}

function isDropped(element: HtmlElement): boolean {
  for (let e: HtmlElement | undefined = element; e; e = e.parent) if (isDroppedHere(e)) return true;
  return false;
}

function hasAncestor(element: HtmlElement, name: string): boolean {
  for (let e = element.parent; e; e = e.parent) if (e.name === name) return true;
  return false;
}

function textContent(html: string, node: HtmlNode): string {
  if (!("name" in node)) return decodeHtmlEntities(html.slice(node.start, node.end));
  return node.children.map((child) => textContent(html, child)).join("");
}

function visibleTextLength(html: string, node: HtmlNode): number {
  if (!("name" in node)) return html.slice(node.start, node.end).trim().length;
  if (isDroppedHere(node)) return 0;
  return node.children.reduce((sum, child) => sum + visibleTextLength(html, child), 0);
}

function findFirst(root: HtmlElement, test: (e: HtmlElement) => boolean): HtmlElement | undefined {
  for (const child of root.children) {
    if (!("name" in child)) continue;
    if (test(child)) return child;
    const found = findFirst(child, test);
    if (found) return found;
  }
  return undefined;
}

function findAll(root: HtmlElement, test: (e: HtmlElement) => boolean, into: HtmlElement[] = []): HtmlElement[] {
  for (const child of root.children) {
    if (!("name" in child)) continue;
    if (test(child)) into.push(child);
    findAll(child, test, into);
  }
  return into;
}
