import { describe, expect, it } from "vitest";
import { decodeText, normalizeDate, parseCorpusFile } from "../src/corpus/index.js";

const encode = (text: string) => new TextEncoder().encode(text);
const parse = (source: string, text: string) => parseCorpusFile(source, encode(text));
const bodyLines = (text: string) => text.split("\n");

describe("titles and front matter in .txt and .md", () => {
  it("GIVEN YAML front matter THEN title, url and date come from it and the body starts after it", () => {
    const { articles } = parse(
      "a.md",
      ["---", 'title: "Quoted: a \\"title\\""', "url: https://example.com/a", "date: 2022-06-21", "source: CNN", "---", "", "Body text."].join("\n"),
    );
    expect(articles[0]).toMatchObject({ title: 'Quoted: a "title"', url: "https://example.com/a", date: "2022-06-21", body: "Body text." });
    expect(articles[0].lineSpans).toEqual([[8, 8]]);
  });

  it("GIVEN single-quoted front matter values THEN doubled quotes become one", () => {
    const { articles } = parse("a.md", "---\ntitle: 'It''s here'\n---\nText.");
    expect(articles[0].title).toBe("It's here");
  });

  it("GIVEN front matter without a title THEN the first-line rule still applies after it", () => {
    const { articles } = parse("a.txt", "---\nurl: https://example.com\n---\nShort headline\n\nThe story.");
    expect(articles[0]).toMatchObject({ title: "Short headline", url: "https://example.com", body: "The story." });
  });

  it("GIVEN a short first line followed by a blank line THEN it is the title and not part of the body", () => {
    const { articles } = parse("bbc/x.txt", "Peugeot deal boosts Mitsubishi\n\nFirst paragraph.\n\nSecond paragraph.");
    expect(articles[0].title).toBe("Peugeot deal boosts Mitsubishi");
    expect(bodyLines(articles[0].body)).toEqual(["First paragraph.", "", "Second paragraph."]);
    expect(articles[0].lineSpans).toEqual([
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
  });

  it("GIVEN a long first line and an id for a file name THEN the title is the opening words and the line stays in the body", () => {
    const long = "Pulling away from an agreed policy, ".repeat(6);
    const { articles } = parse("news/000_c0af5a29.txt", `${long}\n\nMore.`);
    expect(articles[0].title).toBe("Pulling away from an agreed policy, Pulling away from an agreed policy, Pulling…");
    expect(bodyLines(articles[0].body)[0]).toBe(long.trimEnd());
  });

  it("GIVEN a short first line that is not followed by a blank line THEN it stays body text", () => {
    const { articles } = parse("notes.txt", "Hamas responded favorably.\nA second line.");
    expect(articles[0].title).toBe("notes");
    expect(articles[0].body).toBe("Hamas responded favorably.\nA second line.");
  });

  it("GIVEN a short first sentence then a blank line THEN a sentence is not mistaken for a headline", () => {
    const { articles } = parse("story.txt", "Hamas responded favorably to the offer on Thursday.\n\nMore text.");
    expect(articles[0].title).toBe("story");
    expect(bodyLines(articles[0].body)[0]).toBe("Hamas responded favorably to the offer on Thursday.");
  });

  it("GIVEN a Markdown file starting with a level-1 heading THEN the heading is the title without its marker", () => {
    const { articles } = parse("a.md", "# Budget passes\nThe budget passed.\n\n## Reaction ##\nMixed.");
    expect(articles[0].title).toBe("Budget passes");
    expect(bodyLines(articles[0].body)).toEqual(["The budget passed.", "", "Reaction", "Mixed."]);
  });

  it("GIVEN '#' at the start of a .txt line THEN it is kept, since only Markdown has headings", () => {
    const { articles } = parse("a.txt", "Title\n\n# not a heading here");
    expect(articles[0].body).toBe("# not a heading here");
  });

  it("GIVEN only a title THEN the file is skipped for having no article text", () => {
    const result = parse("a.txt", "Just a title\n\n");
    expect(result.articles).toEqual([]);
    expect(result.skipped[0].reason).toMatch(/no article text/);
  });
});

describe("HTML", () => {
  const page = `<html><head><title>Fallback &amp; title</title>
<link rel="canonical" href="https://example.com/canonical">
<script>var x = "<p>script text</p>";</script><style>.a{}</style></head>
<body>
<nav><ul><li>Home</li><li>Sport</li></ul></nav>
<div class="cookie">Accept cookies<form><button>OK</button></form></div>
<main>
<p>Main text one.</p>
<p>Main text two <span>with inline</span> markup.</p>
<time datetime="2023-01-02">2 Jan</time>
<noscript>Enable JavaScript</noscript>
<iframe src="x">frame text</iframe>
<svg><title>icon title</title><text>svg text</text></svg>
</main>
<footer>Footer text</footer>
</body></html>`;

  it("GIVEN a page with scripts, styles, navigation and a footer THEN only the main text is kept", () => {
    const [article] = parse("p.html", page).articles;
    expect(article.body.split("\n").filter(Boolean)).toEqual(["Main text one.", "Main text two with inline markup.", "2 Jan"]);
    for (const noise of ["script text", "Home", "Accept cookies", "Enable JavaScript", "frame text", "svg text", "Footer text", ".a{}"]) {
      expect(article.body).not.toContain(noise);
    }
  });

  it("GIVEN <title>, a canonical link and <time datetime> THEN they become title, url and date", () => {
    const [article] = parse("p.html", page).articles;
    expect(article).toMatchObject({ title: "Fallback & title", url: "https://example.com/canonical", date: "2023-01-02" });
  });

  it("GIVEN several <article> elements THEN the one with the most text is the story", () => {
    const html = `<body><article><p>Teaser.</p></article><article><h1>Real story</h1><p>${"Long story text. ".repeat(20)}</p></article></body>`;
    const [article] = parse("p.html", html).articles;
    expect(article.title).toBe("Real story");
    expect(article.body).not.toContain("Teaser.");
  });

  it("GIVEN a small <article> teaser beside a long body text THEN the body text is used", () => {
    const html = `<body><article><p>Teaser.</p></article><div><p>${"The story itself. ".repeat(30)}</p></div></body>`;
    const [article] = parse("p.html", html).articles;
    expect(article.body).toContain("The story itself.");
  });

  it("GIVEN unclosed paragraphs, a missing <body> and stray end tags THEN the text is still read", () => {
    const [article] = parse("p.html", "<title>T</title><p>One<p>Two</span></div><li>Three").articles;
    expect(article.body.split("\n").filter(Boolean)).toEqual(["One", "Two", "Three"]);
  });

  it("GIVEN numeric, named and Windows-1252 character references THEN they are decoded", () => {
    const [article] = parse("p.html", "<p>caf&eacute; &#8220;quoted&#x201D; &#150; &copy; &unknown; AT&T</p>").articles;
    expect(article.body).toBe("café “quoted” – © &unknown; AT&T");
  });

  it("GIVEN HTML with nothing but scripts and navigation THEN it is skipped with a reason", () => {
    const result = parse("p.html", "<html><body><nav>Home</nav><script>alert(1)</script></body></html>");
    expect(result.articles).toEqual([]);
    expect(result.skipped[0].reason).toMatch(/no article text/);
  });

  it("GIVEN deeply nested unclosed elements THEN parsing finishes without exhausting the stack", () => {
    const [article] = parse("p.html", `${"<div><span>".repeat(20_000)}Deep text`).articles;
    expect(article.body).toBe("Deep text");
  });
});

describe("JSON and JSON Lines", () => {
  it("GIVEN a malformed JSONL line THEN only that line is skipped, with its line number", () => {
    const text = [
      JSON.stringify({ title: "One", text: "First." }),
      '{"title": "Broken", "text": "no closing brace"',
      "",
      JSON.stringify({ title: "Three", content: "Third." }),
      "[1, 2]",
      JSON.stringify({ title: "No text", text: "   " }),
    ].join("\n");
    const result = parse("feed.jsonl", text);
    expect(result.articles.map((a) => a.title)).toEqual(["One", "Three"]);
    expect(result.articles[1].lineSpans).toEqual([[4, 4]]);
    expect(result.skipped).toEqual([
      { source: "feed.jsonl", reason: "line 2: malformed JSON record" },
      { source: "feed.jsonl", reason: "line 5: not a JSON object" },
      { source: "feed.jsonl", reason: "line 6: no text, content or body field with text" },
    ]);
  });

  it("GIVEN a JSONL file of other data (no record has text) THEN it is one skip with a count", () => {
    const text = [1, 2, 3].map((n) => JSON.stringify({ question: `q${n}` })).join("\n");
    expect(parse("qa.jsonl", text)).toEqual({
      articles: [],
      skipped: [{ source: "qa.jsonl", reason: "no record has a text, content or body field with text (3 records)" }],
    });
  });

  it("GIVEN a JSON array with one malformed record THEN the other records are read", () => {
    const text = '[\n{"title": "Good", "text": "Fine."},\n{"title": "Bad" "text": "x"},\n{"title": "Also good", "body": "Fine too."}\n]';
    const result = parse("a.json", text);
    expect(result.articles.map((a) => a.title)).toEqual(["Good", "Also good"]);
    expect(result.skipped).toEqual([{ source: "a.json", reason: "record at line 3: malformed JSON record" }]);
  });

  it("GIVEN a truncated JSON file THEN the records before the cut are read and the cut one is reported", () => {
    const result = parse("a.json", '[{"title": "Whole", "text": "Kept."},\n{"title": "Cut", "text": "Lo');
    expect(result.articles.map((a) => a.title)).toEqual(["Whole"]);
    expect(result.skipped[0].reason).toBe("record at line 2: malformed JSON (never closes)");
  });

  it("GIVEN a record with a duplicate text key THEN it cites the line of the value it quotes (the last, as JSON.parse keeps)", () => {
    const text = '{"title": "Twice",\n "text": "The first draft.",\n\n "text": "The corrected story."}';
    const [article] = parse("dup.json", text).articles;
    expect(article).toMatchObject({ body: "The corrected story.", lineSpans: [[4, 4]] });
  });

  it("GIVEN a single JSON object THEN it is one article", () => {
    const result = parse("one.json", '{"title": "Solo", "url": "https://e.com/s", "publishedAt": 1717200000, "text": "Alone."}');
    expect(result.articles).toEqual([
      { source: "one.json", title: "Solo", url: "https://e.com/s", date: "2024-06-01T00:00:00.000Z", body: "Alone.", lineSpans: [[1, 1]] },
    ]);
  });

  it("GIVEN a record without a title THEN the title names the file and line", () => {
    const [article] = parse("dir/wire_feed.jsonl", '\n{"text": "Untitled story."}').articles;
    expect(article.title).toBe("wire feed (line 2)");
  });
});

describe("text decoding", () => {
  it("GIVEN Windows-1252 bytes THEN the text is decoded with that encoding", () => {
    const bytes = Uint8Array.from([...encode("Caf"), 0xe9, ...encode(" costs 5 "), 0x80, ...encode(" "), 0x93, ...encode("today"), 0x94]);
    expect(decodeText(bytes)).toMatchObject({ text: "Café costs 5 € “today”", encoding: "windows-1252" });
  });

  it("GIVEN a UTF-8 file with one undecodable line THEN that line only is left out and reported", () => {
    const bytes = Uint8Array.from([...encode("Title\n\nCafé one.\n"), 0x66, 0xff, 0xfe, 0x0a, ...encode("Naïve three.")]);
    const result = parseCorpusFile("a.txt", bytes);
    expect(result.articles[0].body).toBe("Café one.\n\nNaïve three.");
    expect(result.articles[0].lineSpans).toEqual([
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    expect(result.skipped).toEqual([{ source: "a.txt", reason: "line 4: not valid UTF-8, left out" }]);
  });

  it("GIVEN bytes of a multi-byte legacy encoding THEN the file is skipped rather than misread", () => {
    const gbk = Uint8Array.from([0xd6, 0xd0, 0xce, 0xc4, 0xd0, 0xc2, 0xce, 0xc5, 0x0a, 0xd6, 0xd0, 0xce, 0xc4]);
    expect(decodeText(gbk)).toEqual({ reason: expect.stringMatching(/not valid UTF-8/) });
  });

  it("GIVEN a UTF-16 file with its byte order mark THEN it is decoded", () => {
    const utf16 = Uint8Array.from([0xff, 0xfe, ...Buffer.from("Hello news", "utf16le")]);
    expect(decodeText(utf16)).toMatchObject({ text: "Hello news", encoding: "utf-16le" });
  });

  it("GIVEN control characters without NUL bytes THEN the file is reported as binary", () => {
    const bytes = Uint8Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? 0x01 : 0x41));
    expect(decodeText(bytes)).toEqual({ reason: expect.stringMatching(/^binary file/) });
  });
});

describe("dates", () => {
  it.each([
    ["2022-06-21", "2022-06-21"],
    [" 2022-06-21T10:00:00Z ", "2022-06-21T10:00:00Z"],
    ["2024-03-05T23:30:00-05:00", "2024-03-05T23:30:00-05:00"],
    ["June 21, 2022", "2022-06-21"],
    ["Tue, 21 Jun 2022 10:00:00 GMT", "2022-06-21T10:00:00.000Z"],
    [1655805600, "2022-06-21T10:00:00.000Z"],
  ])("GIVEN %j THEN it normalizes to %j", (input, expected) => {
    expect(normalizeDate(input)).toBe(expected);
  });

  it.each(["2022-02-30", "yesterday", "", "12", "3000-01-01", null])("GIVEN %j THEN there is no date", (input) => {
    expect(normalizeDate(input)).toBeUndefined();
  });
});
