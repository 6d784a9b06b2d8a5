import { describe, expect, it } from "vitest";
import { chunkArticle, linesOfSpan, type ChunkOptions } from "../src/core/ingest/chunk-article.js";
import { splitSentences } from "../src/core/text/split-sentences.js";
import type { Article } from "../src/core/types.js";

function articleFromLines(lines: string[], firstLine = 1): Article {
  return {
    source: "news/story.txt",
    title: "A story",
    body: lines.join("\n"),
    lineSpans: lines.map((_, i) => [firstLine + i, firstLine + i]),
  };
}

const sentence = (i: number) => `Sentence number ${i} says something about the economy of region ${i} in some detail.`;

describe("splitSentences", () => {
  it("GIVEN abbreviations, initials and decimals THEN it does not cut there", () => {
    const text = 'Mr. Putin met U.S. officials on Jan. 25 in Washington. Growth was 3.5 percent. J. Smith agreed. "We will go," he said.';
    const parts = splitSentences(text).map((s) => text.slice(s.start, s.end));
    expect(parts).toEqual([
      "Mr. Putin met U.S. officials on Jan. 25 in Washington.",
      "Growth was 3.5 percent.",
      "J. Smith agreed.",
      '"We will go," he said.',
    ]);
  });

  it("GIVEN a short line without punctuation THEN it stands as its own sentence (a heading)", () => {
    const text = "two killed\nMeanwhile, soldiers killed two armed men.";
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual(["two killed", "Meanwhile, soldiers killed two armed men."]);
  });

  it("GIVEN hard-wrapped lines THEN a sentence continues across the line break", () => {
    const text = "The committee met on Tuesday to discuss the proposal that was put forward by\nthe finance ministry last month. It was rejected.";
    const parts = splitSentences(text).map((s) => text.slice(s.start, s.end));
    expect(parts).toHaveLength(2);
    expect(parts[0]).toContain("by\nthe finance");
  });
});

describe("chunkArticle", () => {
  const options: ChunkOptions = { targetChars: 300, maxChars: 500, overlapSentences: 1 };
  const lines = Array.from({ length: 30 }, (_, i) => sentence(i));
  const passages = chunkArticle(articleFromLines(lines), options);

  it("GIVEN a long article THEN every passage is whole sentences within the size bounds", () => {
    expect(passages.length).toBeGreaterThan(3);
    for (const p of passages) {
      expect(p.text.length).toBeLessThanOrEqual(options.maxChars);
      expect(p.text.length).toBeGreaterThanOrEqual(options.targetChars / 3);
      expect(p.text).toMatch(/^Sentence number \d+/);
      expect(p.text).toMatch(/detail\.$/);
    }
  });

  it("GIVEN consecutive passages THEN they overlap by exactly one sentence and together cover the article", () => {
    for (let i = 1; i < passages.length; i++) {
      const previousLast = passages[i - 1].text.split("\n").at(-1);
      expect(passages[i].text.split("\n")[0]).toBe(previousLast);
    }
    const covered = new Set(passages.flatMap((p) => p.text.split("\n")));
    expect(covered.size).toBe(lines.length);
  });

  it("GIVEN a passage THEN its lines are the file lines its text came from", () => {
    const article = articleFromLines(lines, 7);
    for (const p of chunkArticle(article, options)) {
      const fileLines = p.text.split("\n");
      expect(p.lines[1] - p.lines[0] + 1).toBe(fileLines.length);
      fileLines.forEach((line, i) => expect(line).toBe(lines[p.lines[0] - 7 + i]));
    }
  });

  it("GIVEN the same input THEN ids are the same; GIVEN another source THEN they differ", () => {
    const again = chunkArticle(articleFromLines(lines), options);
    expect(again.map((p) => p.id)).toEqual(passages.map((p) => p.id));
    const moved = chunkArticle({ ...articleFromLines(lines), source: "other.txt" }, options);
    expect(moved[0].id).not.toBe(passages[0].id);
    expect(new Set(passages.map((p) => p.id)).size).toBe(passages.length);
  });

  it("GIVEN one sentence longer than the maximum THEN it is kept whole in a passage of its own", () => {
    const long = `The ${"very ".repeat(150)}long sentence ends here.`;
    const result = chunkArticle(articleFromLines([sentence(1), long, sentence(2)]), options);
    expect(result.some((p) => p.text === long)).toBe(true);
  });

  it("GIVEN paragraphs THEN a passage that reached its target closes at a paragraph end", () => {
    const paragraph = (i: number) => [sentence(i), sentence(i + 100), sentence(i + 200), sentence(i + 300)].join(" ");
    const body = [paragraph(1), "", paragraph(2), "", paragraph(3)];
    const result = chunkArticle(articleFromLines(body), options);
    expect(result[0].text).toBe(paragraph(1));
  });

  it("GIVEN lines separated by lone CRs inside one file line THEN passages close at their ends as at LF line ends", () => {
    const lf = chunkArticle(articleFromLines(lines), options).map((p) => p.text);
    const cr = chunkArticle(articleFromLines([lines.join("\r")]), options).map((p) => p.text.replace(/\r/g, "\n"));
    expect(cr).toEqual(lf);
  });

  it("GIVEN a quote inside a passage THEN linesOfSpan finds the lines of just that quote", () => {
    const p = passages[1];
    const target = p.text.split("\n")[2];
    const start = p.text.indexOf(target);
    expect(linesOfSpan(p, start, start + target.length)).toEqual([p.lines[0] + 2, p.lines[0] + 2]);
  });

  it("GIVEN an empty body THEN there are no passages", () => {
    expect(chunkArticle(articleFromLines(["", "   "]), options)).toEqual([]);
  });
});
