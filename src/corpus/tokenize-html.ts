// A tolerant HTML tokenizer that remembers where every token sits in the file. Hand-written rather than a
// dependency because provenance needs character offsets for every text run, which the small HTML parsers
// do not expose, and because real-world pages only need the forgiving subset below: tags, attributes,
// comments, raw-text elements. Malformed markup degrades to text, never to an exception.

export type HtmlToken =
  | { kind: "start"; name: string; attrs: Record<string, string>; selfClosing: boolean; start: number; end: number }
  | { kind: "end"; name: string; start: number; end: number }
  | { kind: "text"; start: number; end: number }
  | { kind: "comment"; start: number; end: number };

/** Elements whose content is not markup: it runs to the matching end tag. */
const RAW_TEXT = new Set(["script", "style", "title", "textarea", "xmp", "noembed", "noframes"]);

const NAME_CHAR = /[A-Za-z0-9:_-]/;
const WHITESPACE = /\s/;

export function tokenizeHtml(html: string): HtmlToken[] {
  const tokens: HtmlToken[] = [];
  const lower = html.toLowerCase();
  let i = 0;
  let textStart = 0;
  const flushText = (end: number) => {
    if (end > textStart) tokens.push({ kind: "text", start: textStart, end });
  };

  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt === -1) break;
    const next = html[lt + 1] ?? "";
    if (html.startsWith("<!--", lt)) {
      flushText(lt);
      const close = html.indexOf("-->", lt + 4);
      const end = close === -1 ? html.length : close + 3;
      tokens.push({ kind: "comment", start: lt, end });
      i = textStart = end;
    } else if (next === "!" || next === "?") {
      // Doctype, CDATA, processing instructions: markup to skip.
      flushText(lt);
      const close = html.indexOf(">", lt);
      const end = close === -1 ? html.length : close + 1;
      tokens.push({ kind: "comment", start: lt, end });
      i = textStart = end;
    } else if (next === "/" && /[A-Za-z]/.test(html[lt + 2] ?? "")) {
      flushText(lt);
      let j = lt + 2;
      while (j < html.length && NAME_CHAR.test(html[j])) j++;
      const name = lower.slice(lt + 2, j);
      const close = html.indexOf(">", j);
      const end = close === -1 ? html.length : close + 1;
      tokens.push({ kind: "end", name, start: lt, end });
      i = textStart = end;
    } else if (/[A-Za-z]/.test(next)) {
      flushText(lt);
      const tag = readStartTag(html, lower, lt);
      tokens.push(tag);
      i = textStart = tag.end;
      if (RAW_TEXT.has(tag.name) && !tag.selfClosing) {
        const close = findRawTextEnd(lower, tag.name, i);
        if (close > i) tokens.push({ kind: "text", start: i, end: close });
        i = textStart = close;
      }
    } else {
      i = lt + 1; // a lone "<" is text
    }
  }
  flushText(html.length);
  return tokens;
}

function readStartTag(html: string, lower: string, lt: number): Extract<HtmlToken, { kind: "start" }> {
  let j = lt + 1;
  while (j < html.length && NAME_CHAR.test(html[j])) j++;
  const name = lower.slice(lt + 1, j);
  const attrs: Record<string, string> = {};
  let selfClosing = false;
  while (j < html.length) {
    while (j < html.length && WHITESPACE.test(html[j])) j++;
    const c = html[j];
    if (c === undefined) break;
    if (c === ">") return { kind: "start", name, attrs, selfClosing, start: lt, end: j + 1 };
    if (c === "/") {
      selfClosing = html[j + 1] === ">";
      j++;
      continue;
    }
    const nameStart = j;
    while (j < html.length && !WHITESPACE.test(html[j]) && !"=>/".includes(html[j])) j++;
    if (j === nameStart) j++; // a stray character: step over it
    const attrName = lower.slice(nameStart, j);
    while (j < html.length && WHITESPACE.test(html[j])) j++;
    let value = "";
    if (html[j] === "=") {
      j++;
      while (j < html.length && WHITESPACE.test(html[j])) j++;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        const end = close === -1 ? html.length : close;
        value = html.slice(j + 1, end);
        j = end + 1;
      } else {
        const valueStart = j;
        while (j < html.length && !WHITESPACE.test(html[j]) && html[j] !== ">") j++;
        value = html.slice(valueStart, j);
      }
    }
    if (attrName && !(attrName in attrs)) attrs[attrName] = value;
  }
  return { kind: "start", name, attrs, selfClosing, start: lt, end: html.length };
}

function findRawTextEnd(lower: string, name: string, from: number): number {
  const needle = `</${name}`;
  let at = lower.indexOf(needle, from);
  while (at !== -1) {
    const after = lower[at + needle.length];
    if (after === undefined || after === ">" || after === "/" || WHITESPACE.test(after)) return at;
    at = lower.indexOf(needle, at + 1);
  }
  return lower.length;
}
