import { describe, expect, it } from "vitest";
import { contentTokens, tokenize } from "../src/core/text/tokenize.js";

/** The tokenizer's definition as a regex: the hand-written scanner must split exactly like it. */
function tokenizeByRegex(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:[.,'’][\p{L}\p{N}]+)*/gu)) {
    let token = match[0].replace(/['’]s$/u, "").replace(/['’]/gu, "");
    token = /^[\d.,]+$/.test(token) ? token.replace(/,/g, "") : token.replace(/[.,]/g, "");
    if (token) tokens.push(token);
  }
  return tokens;
}

describe("tokenize", () => {
  it("GIVEN possessives, separators inside numbers and abbreviations THEN folds them", () => {
    expect(tokenize("Russia's 5,000 workers, 5.9 per cent; the U.S. and O’Neill's team.")).toEqual([
      "russia",
      "5000",
      "workers",
      "5.9",
      "per",
      "cent",
      "the",
      "us",
      "and",
      "oneill",
      "team",
    ]);
  });

  it("GIVEN punctuation that does not sit between two letters or digits THEN it splits words", () => {
    expect(tokenize("end. 'quoted' 3., ,4 a..b x'-y")).toEqual(["end", "quoted", "3", "4", "a", "b", "x", "y"]);
  });

  it("GIVEN letters outside ASCII and outside the basic plane THEN they are letters like any other", () => {
    expect(tokenize("Ελλάδα São Paulo 東京 𝐀𝐁 ½ x²")).toEqual(["ελλάδα", "são", "paulo", "東京", "𝐀𝐁", "½", "x²"]);
    expect(tokenize("emoji😀split \ud800lone")).toEqual(["emoji", "split", "lone"]);
  });

  it("GIVEN tricky mixes of letters, joiners, surrogates and case changes THEN splits exactly as the regex definition", () => {
    const pieces = ["a", "Z", "é", "İ", "Σ", "ß", "1", "٣", "½", ".", ",", "'", "’", " ", "-", "\n", "𝐀", "\ud835", "😀", "s", "S", "ǅ", "\u0301"];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 20_000; n++) {
      let text = "";
      for (let i = 0, length = 1 + Math.floor(random() * 12); i < length; i++) text += pieces[Math.floor(random() * pieces.length)];
      expect(tokenize(text), JSON.stringify(text)).toEqual(tokenizeByRegex(text));
    }
  });

  it("GIVEN stopwords THEN content tokens leave them out and keep the order of the rest", () => {
    expect(contentTokens("What did the Foreign Ministry say about Hamas?")).toEqual(["foreign", "ministry", "hamas"]);
  });
});
