import { describe, expect, it } from "vitest";
import { splitAtSentences, splitSentences, trimAtSentence } from "../src/discord/split-text.js";

const CITED =
  'Putin said he may invite Hamas to Moscow [1]. Israel objected. [2] The US said "Frankly, it doesn\'t help." [3] Russia would adhere to the London approach [1][4]!';

/** Every [n] must sit in the same chunk as the words of its sentence that come before it. */
function markerNeighbours(text: string): Array<{ marker: string; before: string }> {
  return [...text.matchAll(/(\S+)\s*(\[\d+\])/g)].map((m) => ({ before: m[1] ?? "", marker: m[2] ?? "" }));
}

describe("splitSentences", () => {
  it("GIVEN cited text THEN gives it back exactly when joined, each marker with the sentence before it", () => {
    const sentences = splitSentences(CITED);
    expect(sentences.join("")).toBe(CITED);
    expect(sentences.map((s) => s.trim())).toEqual([
      "Putin said he may invite Hamas to Moscow [1].",
      "Israel objected. [2]",
      'The US said "Frankly, it doesn\'t help." [3]',
      "Russia would adhere to the London approach [1][4]!",
    ]);
  });

  it("GIVEN line breaks THEN they end sentences too", () => {
    expect(splitSentences("first line\nsecond line").map((s) => s.trim())).toEqual(["first line", "second line"]);
  });
});

describe("splitAtSentences", () => {
  it("GIVEN text shorter than the limit THEN returns it whole", () => {
    expect(splitAtSentences(CITED, 2000)).toEqual([CITED]);
  });

  it("GIVEN a long cited text THEN every chunk fits and no [n] is parted from its sentence", () => {
    const long = Array.from({ length: 400 }, (_, i) => `Claim number ${i} comes from a source [${(i % 9) + 1}].`).join(" ");
    for (const max of [60, 100, 1024, 2000, 4096]) {
      const chunks = splitAtSentences(long, max);
      expect(chunks.every((c) => c.length <= max)).toBe(true);
      expect(chunks.join(" ")).toBe(long);
      for (const chunk of chunks) {
        expect(chunk).not.toMatch(/^\s*\[\d+\]/);
        for (const { before } of markerNeighbours(chunk)) expect(before).toMatch(/^source$/);
      }
    }
  });

  it("GIVEN a sentence longer than the limit THEN splits it at words and loses none", () => {
    const sentence = `${"word ".repeat(300).trim()}.`;
    const chunks = splitAtSentences(sentence, 100);
    expect(chunks.every((c) => c.length <= 100)).toBe(true);
    expect(chunks.join(" ")).toBe(sentence);
  });

  it("GIVEN a word longer than the limit THEN cuts it rather than exceed the limit", () => {
    const chunks = splitAtSentences("x".repeat(250), 100);
    expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
  });

  it("GIVEN a cut right after an escape backslash THEN drops the lone backslash", () => {
    const chunks = splitAtSentences(`${"a".repeat(9)}\\${"b".repeat(20)}`, 10);
    expect(chunks[0]).toBe("a".repeat(9));
  });
});

describe("trimAtSentence", () => {
  it("GIVEN text that fits THEN leaves it alone", () => {
    expect(trimAtSentence("Short. Text.", 50)).toBe("Short. Text.");
  });

  it("GIVEN text that does not fit THEN keeps whole sentences and marks the cut", () => {
    const trimmed = trimAtSentence(CITED, 80);
    expect(trimmed).toBe("Putin said he may invite Hamas to Moscow [1]. Israel objected. [2]…");
    expect(trimmed.length).toBeLessThanOrEqual(80);
  });

  it("GIVEN a first sentence longer than the limit THEN cuts at a word", () => {
    const trimmed = trimAtSentence("One very long sentence without any early stop at all.", 20);
    expect(trimmed).toBe("One very long…");
    expect(trimmed.length).toBeLessThanOrEqual(20);
  });
});
