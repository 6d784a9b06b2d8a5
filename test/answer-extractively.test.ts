import { describe, expect, it } from "vitest";
import { answerExtractively } from "../src/core/answer/answer-extractively.js";
import { chunkArticle } from "../src/core/ingest/chunk-article.js";
import type { Article, Ranked } from "../src/core/types.js";

const LINES = [
  "Russian President Vladimir Putin said on Thursday that he was considering inviting Hamas leaders to Moscow.",
  "He spoke during a day of chaos and violence in the Gaza Strip.",
  "Israeli officials said Putin's offer conflicted with the ground rules for negotiations agreed in London.",
  "A spokesman for the Russian Foreign Ministry, Mikhail Kamynin, said Russia would adhere to the approach agreed upon in London.",
  "two killed",
  "Israeli soldiers killed two armed Palestinians who attacked the Erez crossing, the military said.",
  "Israel has been permitting 5,000 Palestinian workers to commute to Israel each day through the crossing.",
];

const article: Article = {
  source: "world/hamas.txt",
  title: "Putin invites Hamas to Moscow",
  url: "https://example.com/hamas",
  date: "2006-02-10",
  body: LINES.join("\n"),
  lineSpans: LINES.map((_, i) => [i + 1, i + 1]),
};

// Each line its own passage, so that ranking order is under the test's control.
const passages = chunkArticle(article, { targetChars: 1, maxChars: 200, overlapSentences: 0 });
const rank = (...indexes: number[]): Ranked[] => indexes.map((i, r) => ({ passage: passages[i], score: 1 - r / 10 }));

describe("answerExtractively", () => {
  it("GIVEN 'what did X say' THEN it quotes the sentence where X's spokesman says it, with its line", () => {
    const answer = answerExtractively("What did Russia's Foreign Ministry say?", rank(2, 0, 3, 1));
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]).toMatchObject({ n: 1, source: "world/hamas.txt", lines: [4, 4], url: "https://example.com/hamas" });
    expect(answer.citations[0].quote).toContain("Kamynin");
    expect(answer.text.startsWith(LINES[3])).toBe(true);
    expect(answer.text).toContain("[1]");
  });

  it("GIVEN 'what did X say' THEN no further sentence quotes someone else (another country's foreign minister)", () => {
    // The second passage is about Russia's ministry as a whole, but its quotable sentence is Israel's minister.
    const lines = [
      "In New York, Israel's Foreign Minister Tzipi Livni said any show of weakness would legitimize terror.",
      "Russia's Foreign Ministry had earlier declined to comment on the visit.",
    ];
    const other: Article = {
      source: "world/un.txt",
      title: "At the UN",
      body: lines.join("\n"),
      lineSpans: [
        [1, 1],
        [2, 2],
      ],
    };
    const [mixed] = chunkArticle(other, { targetChars: 1000, maxChars: 1000, overlapSentences: 0 });
    const answer = answerExtractively("What did Russia's Foreign Ministry say?", [rank(3)[0], { passage: mixed, score: 0.9 }]);
    expect(answer.citations[0].quote).toContain("Kamynin");
    for (const c of answer.citations) expect(c.quote).not.toContain("Livni");
  });

  it("GIVEN 'what did X say about Y' THEN the sentence naming X wins over one naming Y and only part of X", () => {
    const lines = ["In New York, Israel's Foreign Minister Tzipi Livni said any weakness toward Hamas would legitimize terror."];
    const other: Article = { source: "world/un.txt", title: "At the UN", body: lines[0], lineSpans: [[1, 1]] };
    const [livni] = chunkArticle(other);
    // "Russian" is in nearly every passage of a corpus about Russia, so its idf is tiny.
    const idf = (term: string) => (term === "russian" ? 0.05 : 2);
    const answer = answerExtractively(
      "What did the Russian Foreign Ministry say about Hamas?",
      [{ passage: livni, score: 1 }, rank(3)[0]],
      undefined,
      { idf },
    );
    expect(answer.citations[0].quote).toContain("Kamynin");
  });

  it("GIVEN a 'how many' question THEN the sentence with the number wins", () => {
    const answer = answerExtractively("How many Palestinian workers commute through the crossing?", rank(5, 6, 1));
    expect(answer.citations[0].quote).toContain("5,000");
  });

  it("GIVEN every citation THEN its quote is verbatim at its lines, markers are numbered in order and unique per passage", () => {
    const answer = answerExtractively("What did Israeli officials say about Putin's offer in London?", rank(2, 3, 0, 5));
    answer.citations.forEach((c, i) => {
      expect(c.n).toBe(i + 1);
      expect(LINES.slice(c.lines[0] - 1, c.lines[1]).join("\n")).toContain(c.quote);
      expect(answer.text).toContain(`[${c.n}]`);
    });
    expect(new Set(answer.citations.map((c) => c.passageId)).size).toBe(answer.citations.length);
    expect(answer.citations.length).toBeLessThanOrEqual(3);
  });

  it("GIVEN a question the passages do not cover THEN it abstains and lists the nearest sources instead", () => {
    const answer = answerExtractively("What did the Japanese prime minister say about the Olympics?", rank(0, 1, 2, 3));
    expect(answer.abstained).toBe(true);
    expect(answer.citations).toEqual([]);
    expect(answer.nearest.length).toBeGreaterThan(0);
    expect(answer.text).toMatch(/don't say/);
  });

  it("GIVEN a name no article contains THEN it abstains even when other words match", () => {
    const idf = (term: string) => (["china"].includes(term) ? 0 : 2);
    const answer = answerExtractively("What did China's foreign ministry say about Hamas?", rank(3, 2, 0), undefined, { idf });
    expect(answer.abstained).toBe(true);
  });

  it("GIVEN a name the corpus lacks only in that form THEN a passage with another form of it still answers", () => {
    // "Russia" may be absent as a word while "Russian" is everywhere: a shared stem is a match.
    const idf = (term: string) => (term === "russia" ? 0 : 2);
    const answer = answerExtractively("What did Russia's Foreign Ministry say?", rank(3, 2), undefined, { idf });
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0].quote).toContain("Kamynin");
  });

  it("GIVEN a 'which' question THEN a sentence that names something new is preferred over one that repeats the question", () => {
    const lines = [
      "The wildly popular show is green lit for a second season, said Netflix.",
      "Squid Game will return for a second season on Netflix.",
    ];
    const show: Article = {
      source: "tv.txt",
      title: "Netflix renews show",
      body: lines.join("\n"),
      lineSpans: [
        [1, 1],
        [2, 2],
      ],
    };
    const [passage] = chunkArticle(show, { targetChars: 1000, maxChars: 1000, overlapSentences: 0 });
    const answer = answerExtractively("Which show did Netflix renew for a second season?", [{ passage, score: 1 }]);
    expect(answer.citations[0].quote).toContain("Squid Game");
  });

  it("GIVEN no passages THEN it abstains", () => {
    expect(answerExtractively("Who is Dan Gillerman?", []).abstained).toBe(true);
  });

  it("GIVEN a heading fragment THEN it is never quoted as an answer", () => {
    const answer = answerExtractively("How many were killed at the Erez crossing?", rank(4, 5));
    expect(answer.citations.map((c) => c.quote)).not.toContain("two killed");
  });
});
