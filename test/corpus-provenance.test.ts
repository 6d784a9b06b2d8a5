import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Article } from "../src/core/types.js";
import { parseCorpusFile } from "../src/corpus/index.js";

// The promise every citation rests on: each body line is found, verbatim (whitespace aside), in the file at
// its lineSpans. The check below reads the raw file independently of the parsers, by each format's rule.

const encode = (text: string) => new TextEncoder().encode(text);
const normalize = (text: string) => text.replace(/\s+/g, " ").trim();

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  mdash: "—",
  ndash: "–",
  euro: "€",
  rsquo: "’",
  eacute: "é",
};

/** The file's lines as an editor numbers them: LF or CRLF, or lone CR in a file without any LF (classic Mac). */
function fileLinesOf(fileText: string): string[] {
  if (!fileText.includes("\n")) return fileText.split("\r");
  return fileText.split("\n").map((line) => line.replace(/\r$/, ""));
}

/** What a reader of the raw file sees on those lines, by the format's rule. */
function readableTextsAt(source: string, fileText: string, [first, last]: [number, number]): string[] {
  const lines = fileLinesOf(fileText);
  const raw = lines.slice(first - 1, last).join("\n");
  if (source.endsWith(".html")) {
    const withoutMarkup = raw.replace(/<!--[\s\S]*?-->/g, "").replace(/<(?:[^>"']|"[^"]*"|'[^']*')*>/g, "");
    const decoded = withoutMarkup.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
      return ENTITIES[name] ?? whole;
    });
    return [normalize(decoded)];
  }
  if (source.endsWith(".json") || source.endsWith(".jsonl")) {
    return (raw.match(/"(?:[^"\\\n]|\\.)*"/g) ?? []).map((literal) => normalize(JSON.parse(literal) as string));
  }
  return [normalize(raw)];
}

/** Every body line that is not found at its lines, with what was there instead. */
function findProvenanceErrors(article: Article, fileText: string): string[] {
  const bodyLines = article.body.split("\n");
  const lineCount = fileLinesOf(fileText).length;
  const errors: string[] = [];
  if (bodyLines.length !== article.lineSpans.length) errors.push(`${bodyLines.length} body lines but ${article.lineSpans.length} spans`);
  bodyLines.forEach((line, i) => {
    const span = article.lineSpans[i];
    if (!span || span[0] < 1 || span[1] < span[0] || span[1] > lineCount) {
      errors.push(`body line ${i + 1}: bad span ${JSON.stringify(span)}`);
      return;
    }
    const wanted = normalize(line);
    const found = readableTextsAt(article.source, fileText, span);
    if (!found.some((text) => text.includes(wanted))) {
      errors.push(`body line ${i + 1} ${JSON.stringify(wanted)} is not at lines ${span.join("-")}: ${JSON.stringify(found)}`);
    }
  });
  return errors;
}

function parseAndCheck(source: string, fileText: string): Article[] {
  const { articles } = parseCorpusFile(source, encode(fileText));
  expect(articles.length).toBeGreaterThan(0);
  for (const article of articles) expect(findProvenanceErrors(article, fileText)).toEqual([]);
  return articles;
}

const BBC_STYLE = `Peugeot deal boosts Mitsubishi

Struggling Japanese car maker Mitsubishi Motors has struck a deal to supply French car maker Peugeot with 30,000 sports utility vehicles (SUV).

The two firms signed a Memorandum of Understanding, and say they expect to seal a final agreement by Spring 2005.
"We are delighted," said a spokesman.
`;

const MARKDOWN = `---
title: "IRS will finally finish processing last year's tax return backlog"
url: "https://www.example.com/2022/06/21/irs"
date: "2022-06-21"
---

Washington CNN —

## The backlog

The IRS began the calendar year with about **8 million** unprocessed returns.

* A report called the situation a "crisis."
`;

const HTML = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Council approves new bridge &amp; tunnel plan | Example News</title>
  <meta property="og:url" content="https://news.example.com/bridge">
  <meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
  <style>p { color: red; }</style>
  <script>window.tracking = "<p>not article text</p>";</script>
</head>
<body>
  <header class="site"><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
  <article>
    <header><h1>Council approves   new bridge</h1></header>
    <p>The city council voted 7&ndash;2 on Tuesday to approve the
       <a href="/bridge" title="a > b">new bridge</a>, the mayor&rsquo;s
       flagship project.</p>
    <p>Construction starts <em>next spring</em>.<script>ads.push("x")</script> Costs are put at &euro;40&nbsp;million.</p>
    <!-- related stories widget -->
    <ul>
      <li>Two lanes for buses</li>
      <li>A cycle path &amp; footpath</li>
    </ul>
    <p>First line of the address<br>Second line of the address</p>
    <pre>
line one of the notice
line two of the notice</pre>
    <table><tr><td>Cost</td><td>&#8364;40m</td></tr></table>
    <aside>Read more: Other news</aside>
  </article>
  <footer>Copyright Example News</footer>
</body>
</html>
`;

const JSON_ARRAY = `[
  {
    "title": "Rates rise again",
    "url": "https://example.com/rates",
    "published_at": "2024-05-01T08:00:00Z",
    "text": "The central bank raised rates.\\n\\nIt was the third rise this year."
  },
  {
    "title": "Storm closes ports",
    "date": "March 3, 2024",
    "content": "Ports along the coast were closed on Sunday."
  }
]
`;

const JSONL = [
  JSON.stringify({ title: "Election called", date: "2024-06-01", text: "The prime minister called an election.\nVoting is in July." }),
  JSON.stringify({ title: "Strike ends", body: "Rail workers returned on Monday." }),
].join("\n");

describe("provenance: every body line is verbatim at its file lines", () => {
  it("GIVEN a plain text article THEN each body line maps to its own file line", () => {
    const [article] = parseAndCheck("bbc/business_013.txt", BBC_STYLE);
    expect(article.lineSpans[0]).toEqual([3, 3]);
    expect(article.lineSpans.every(([first, last]) => first === last)).toBe(true);
  });

  it("GIVEN a Markdown article with front matter THEN body lines keep their true file line numbers", () => {
    const [article] = parseAndCheck("articles/irs.md", MARKDOWN);
    const lines = article.body.split("\n");
    expect(lines[0]).toBe("Washington CNN —");
    expect(article.lineSpans[0]).toEqual([7, 7]);
    const heading = lines.indexOf("The backlog");
    expect(article.lineSpans[heading]).toEqual([9, 9]);
  });

  it("GIVEN an HTML page THEN each block's text is found at its lines once tags are removed and entities decoded", () => {
    const [article] = parseAndCheck("web/bridge.html", HTML);
    const lines = article.body.split("\n");
    const vote = lines.findIndex((line) => line.startsWith("The city council voted"));
    expect(lines[vote]).toBe("The city council voted 7–2 on Tuesday to approve the new bridge, the mayor’s flagship project.");
    expect(article.lineSpans[vote]).toEqual([15, 17]);
  });

  it("GIVEN a pretty-printed JSON array THEN each record cites the line of its text field", () => {
    const articles = parseAndCheck("feeds/news.json", JSON_ARRAY);
    expect(articles.map((a) => a.lineSpans[0])).toEqual([
      [6, 6],
      [11, 11],
    ]);
  });

  it("GIVEN JSON Lines THEN every line of a record's text cites the record's line", () => {
    const articles = parseAndCheck("feeds/news.jsonl", JSONL);
    expect(articles[0].lineSpans).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(articles[1].lineSpans).toEqual([[2, 2]]);
  });

  it("GIVEN CRLF line endings and a byte order mark THEN line numbers are the same as with LF", () => {
    const crlf = `\ufeff${BBC_STYLE.replace(/\n/g, "\r\n")}`;
    const [article] = parseAndCheck("crlf.txt", crlf);
    const [lf] = parseCorpusFile("crlf.txt", encode(BBC_STYLE)).articles;
    expect(article.body).toBe(lf.body);
    expect(article.lineSpans).toEqual(lf.lineSpans);
  });

  it("GIVEN Markdown lines joined by <br> tags THEN each piece is a body line at its file line, without the tag", () => {
    const text = "Line one of the first story, which stops without a full stop<br>Second story starts here.<BR/>\nThird line<br />\n";
    const [article] = parseAndCheck("breaks.md", text);
    expect(article.body.split("\n")).toEqual([
      "Line one of the first story, which stops without a full stop",
      "Second story starts here.",
      "Third line",
    ]);
    expect(article.lineSpans).toEqual([
      [1, 1],
      [1, 1],
      [2, 2],
    ]);
  });

  it("GIVEN CR-only line endings (classic Mac) THEN every format numbers lines as with LF", () => {
    for (const [source, text] of [
      ["mac.txt", BBC_STYLE],
      ["mac.md", MARKDOWN],
      ["mac.html", HTML],
      ["mac.json", JSON_ARRAY],
      ["mac.jsonl", JSONL],
    ]) {
      const cr = text.replace(/\n/g, "\r");
      const articles = parseAndCheck(source, cr);
      const lf = parseCorpusFile(source, encode(text)).articles;
      expect(articles.map((a) => a.lineSpans)).toEqual(lf.map((a) => a.lineSpans));
      expect(articles.map((a) => a.title)).toEqual(lf.map((a) => a.title));
      expect(articles.map((a) => a.body.replace(/\s+/g, " "))).toEqual(lf.map((a) => a.body.replace(/\s+/g, " ")));
    }
  });

  it("GIVEN the starting corpus file THEN the Foreign Ministry spokesman's sentence is cited at line 12", () => {
    const fileText = readFileSync(new URL("../corpus/000_c0af5a29d12023ff.txt", import.meta.url), "utf8");
    const [article] = parseAndCheck("000_c0af5a29d12023ff.txt", fileText);
    const index = article.body.split("\n").findIndex((line) => line.includes("A spokesman for the Russian Foreign Ministry"));
    expect(article.lineSpans[index]).toEqual([12, 12]);
  });

  it("GIVEN a span shifted by one line THEN the provenance check reports it (the check can fail)", () => {
    const [article] = parseCorpusFile("bbc/business_013.txt", encode(BBC_STYLE)).articles;
    const shifted: Article = { ...article, lineSpans: article.lineSpans.map(([a, b]) => [a + 1, b + 1]) };
    expect(findProvenanceErrors(shifted, BBC_STYLE).length).toBeGreaterThan(0);
  });
});

describe("article links", () => {
  it("GIVEN a link copied with a browser text fragment (#:~:text=…) THEN the article's url has it removed, in every format", () => {
    const withFragment = "https://www.example.com/2022/06/21/irs#:~:text=8%20million";
    const files: Array<[string, string]> = [
      ["a.md", `---\ntitle: "IRS"\nurl: "${withFragment}"\n---\n\nThe IRS began the year with 8 million returns.\n`],
      [
        "b.html",
        `<html><head><title>IRS</title><meta property="og:url" content="${withFragment}"></head><body><p>The IRS began the year with 8 million returns.</p></body></html>`,
      ],
      ["c.json", JSON.stringify([{ title: "IRS", url: withFragment, text: "The IRS began the year with 8 million returns." }])],
    ];
    for (const [source, text] of files) {
      const { articles } = parseCorpusFile(source, encode(text));
      expect(
        articles.map((a) => a.url),
        source,
      ).toEqual(["https://www.example.com/2022/06/21/irs"]);
    }
  });

  it("GIVEN a fragment that names a section before its text directive THEN the section stays; a plain #anchor is untouched", () => {
    const urlOf = (url: string) => parseCorpusFile("a.md", encode(`---\ntitle: "T"\nurl: "${url}"\n---\n\nBody.\n`)).articles[0].url;
    expect(urlOf("https://x.org/a#intro:~:text=Body")).toBe("https://x.org/a#intro");
    expect(urlOf("https://x.org/a#intro")).toBe("https://x.org/a#intro");
  });
});
