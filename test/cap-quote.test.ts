import { describe, expect, it } from "vitest";
import { answerExtractively } from "../src/core/answer/answer-extractively.js";
import {
  capQuote,
  capText,
  ELLIPSIS,
  excerptPassage,
  isQuoteOf,
  QUOTE_MAX_CHARS,
  stripReferenceMarks,
  stripReferenceWords,
} from "../src/core/answer/cap-quote.js";
import { chunkArticle } from "../src/core/ingest/chunk-article.js";
import { buildAnswerPrompt } from "../src/core/answer/prompts.js";
import type { Article, Ranked } from "../src/core/types.js";
import { verifyCitations } from "../src/core/answer/verify-citations.js";
import { unpunctuated } from "./support/unpunctuated-text.js";

const NEEDLE = "harbour commissioner aldous vane announced tariff cuts for fishing boats";
const QUESTION = "What did harbour commissioner Aldous Vane announce about tariffs?";

function article(body: string, extra: Partial<Article> = {}): Article {
  const lines = body.split("\n");
  return { source: "feeds/dump.txt", title: "Harbour", body, lineSpans: lines.map((_, i) => [i + 1, i + 1]), ...extra };
}

const ranked = (a: Article): Ranked[] => chunkArticle(a).map((passage, i) => ({ passage, score: 1 - i / 10 }));
/** The file's lines `lines` as one text. */
const linesOf = (body: string, [first, last]: [number, number]) =>
  body
    .split("\n")
    .slice(first - 1, last)
    .join("\n");

describe("capQuote", () => {
  it("GIVEN a 200 kB line without punctuation THEN the extractive answer and its quote stay under the cap, around the words asked about, verbatim", () => {
    const line = `${unpunctuated(100_000)} ${NEEDLE} ${unpunctuated(100_000, 11)}`;
    const answer = answerExtractively(QUESTION, ranked(article(`Harbour\n\n${line}`)));
    expect(answer.abstained).toBe(false);
    const [citation] = answer.citations;
    expect(citation!.quote.length).toBeLessThanOrEqual(QUOTE_MAX_CHARS);
    expect(citation!.quote).toContain(NEEDLE);
    expect(citation!.quote.startsWith(ELLIPSIS) && citation!.quote.endsWith(ELLIPSIS)).toBe(true);
    expect(isQuoteOf(citation!.quote, line)).toBe(true);
    expect(citation!.lines).toEqual([3, 3]);
    expect(answer.text.length).toBeLessThanOrEqual(QUOTE_MAX_CHARS + 10);
  });

  it("GIVEN one long sentence hard-wrapped over many lines THEN the quote's lines are only the lines its kept text is on", () => {
    const wrapped = `${unpunctuated(3000)} ${NEEDLE} ${unpunctuated(3000, 5)}`.replace(/(.{65,75}?) /g, "$1\n");
    const body = `The Harbour\n\n${wrapped}.`;
    const answer = answerExtractively(QUESTION, ranked(article(body)));
    const [citation] = answer.citations;
    expect(citation!.quote.length).toBeLessThanOrEqual(QUOTE_MAX_CHARS);
    const [first, last] = citation!.lines;
    const totalLines = body.split("\n").length;
    expect(first).toBeGreaterThan(3);
    expect(last).toBeLessThan(totalLines);
    expect(last - first).toBeLessThanOrEqual(Math.ceil(QUOTE_MAX_CHARS / 60) + 1);
    expect(isQuoteOf(citation!.quote, linesOf(body, [first, last]))).toBe(true);
    // The cited lines hold nothing the quote left out, beyond the two partial words at its edges.
    expect(linesOf(body, [first, last]).replace(/\s+/g, " ").length).toBeLessThan(citation!.quote.length + 2 * 75);
  });

  it("GIVEN several sentences over the cap THEN it keeps whole sentences around the best one", () => {
    const text =
      "The council met on Monday. It discussed roads. The harbour commissioner announced tariff cuts. Boats were pleased. Nothing else happened that day at all, the clerk wrote in a very long minute.";
    const window = capQuote(text, { start: 0, end: text.length }, { focus: "harbour tariff", maxChars: 100 });
    expect(window.quote).toBe(`${ELLIPSIS}It discussed roads. The harbour commissioner announced tariff cuts. Boats were pleased.${ELLIPSIS}`);
    expect(text.slice(window.start, window.end)).toBe(window.quote.slice(1, -1));
  });

  it("GIVEN a quote that fits THEN it is the text itself, unmarked", () => {
    const text = "  Short and whole.  ";
    expect(capQuote(text, { start: 0, end: text.length }).quote).toBe("Short and whole.");
  });

  it("GIVEN a 5 MB passage THEN a search excerpt is capped around the query", () => {
    const body = `${unpunctuated(2_500_000)} ${NEEDLE} ${unpunctuated(2_500_000, 3)}`;
    const [passage] = chunkArticle(article(body));
    const excerpt = excerptPassage(passage!, "tariff cuts for fishing boats", 300);
    expect(excerpt.text.length).toBeLessThanOrEqual(300);
    expect(excerpt.text).toContain("tariff cuts for fishing boats");
    expect(excerpt.lines).toEqual([1, 1]);
  });
});

describe("reference marks", () => {
  const line =
    "A spokesman for the Russian Foreign Ministry, Mikhail Kamynin, said Russia would adhere to the approach agreed upon in London.[3] The ministry[12] repeated it on Friday.[citation needed]";

  it("GIVEN marks of many kinds THEN they are removed and the article's own brackets stay", () => {
    expect(stripReferenceMarks(line)).toBe(
      "A spokesman for the Russian Foreign Ministry, Mikhail Kamynin, said Russia would adhere to the approach agreed upon in London. The ministry repeated it on Friday.",
    );
    expect(stripReferenceMarks("He said [sic] that it rose in [2019] by 4%[note 2][3–5][1, 2] [Who?] [edit].")).toBe(
      "He said [sic] that it rose in [2019] by 4%.",
    );
    // Measured on the news corpora: brackets there are editorial changes to quotations and seeds, not marks.
    const editorial = "King wrote, “[i]t ain’t the law,” that he “take[s] responsibility” for [a] plan. Score line: [8] Madison Keys won.";
    expect(stripReferenceMarks(editorial)).toBe(editorial);
    expect(stripReferenceWords("It rose [1][citation needed] and fell [2].")).toBe("It rose [1] and fell [2].");
  });

  it("GIVEN an article with reference marks THEN the extractive quote and answer carry only our citation, and the quote checks against its line", () => {
    const answer = answerExtractively("What did Russia's Foreign Ministry say?", ranked(article(`Russia\n\n${line}`)));
    expect(answer.abstained).toBe(false);
    for (const citation of answer.citations) {
      expect(citation.quote).not.toMatch(/\[(?:\d+|citation needed)\]/);
      expect(isQuoteOf(citation.quote, linesOf(`Russia\n\n${line}`, citation.lines))).toBe(true);
    }
    expect(answer.text).not.toContain("[3]");
    expect(answer.text).not.toContain("[12]");
    expect([...answer.text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))).toEqual(answer.citations.map((c) => c.n));
  });

  it("GIVEN a model's answer citing a passage with reference marks THEN the prompt hides them and the verified quote has none", () => {
    const passages = ranked(article(line));
    expect(buildAnswerPrompt("What did the ministry say?", passages)[1]!.content).not.toMatch(/\[(?:3|12|citation needed)\]/);
    const verified = verifyCitations("Mikhail Kamynin said Russia would adhere to the approach agreed upon in London [1].", passages);
    expect(verified.citations).toHaveLength(1);
    expect(verified.citations[0]!.quote).not.toContain("[3]");
    expect(isQuoteOf(verified.citations[0]!.quote, line)).toBe(true);
  });

  it("GIVEN a model's answer citing a 200 kB line THEN the verified quote is capped around the claim", () => {
    const body = `${unpunctuated(100_000)} ${NEEDLE} ${unpunctuated(100_000, 11)}`;
    const verified = verifyCitations("Harbour commissioner Aldous Vane announced tariff cuts for fishing boats [1].", ranked(article(body)));
    expect(verified.citations).toHaveLength(1);
    expect(verified.citations[0]!.quote.length).toBeLessThanOrEqual(QUOTE_MAX_CHARS);
    expect(verified.citations[0]!.quote).toContain(NEEDLE);
  });
});

describe("capText", () => {
  it("GIVEN text over the limit THEN whole sentences with their markers, then an ellipsis", () => {
    expect(capText("One sentence here. [1] Two sentences here. [2] Three.", 30)).toBe(`One sentence here. [1]${ELLIPSIS}`);
    expect(capText("short", 30)).toBe("short");
    expect(capText("x".repeat(50), 10)).toHaveLength(10);
  });
});
