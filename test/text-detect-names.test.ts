import { describe, expect, it } from "vitest";
import { detectMultiWordNames, detectNamesAndNumbers, detectNamesForRetrieval, isWrittenAsName } from "../src/core/text/detect-names.js";

describe("detectNamesForRetrieval", () => {
  it("GIVEN capitalized words inside a question THEN returns their terms, not the sentence's first word", () => {
    expect([...detectNamesForRetrieval("What did Vladimir Putin say in Moscow?")]).toEqual(["vladimir", "putin", "moscow"]);
  });

  it("GIVEN an acronym at the start THEN it still counts as a name", () => {
    expect(detectNamesForRetrieval("NATO leaders met")).toEqual(new Set(["nato"]));
  });

  it("GIVEN a capital after a closing quote THEN retrieval and the citation check both read a sentence start", () => {
    expect(detectNamesForRetrieval("He said “no.” Paris left")).toEqual(new Set());
    expect(detectNamesForRetrieval("He said “no” Paris left")).toEqual(new Set());
    expect(isWrittenAsName(["said", "“no”", "Paris"], 2)).toBe(false);
  });
});

describe("detectNamesAndNumbers", () => {
  it("GIVEN a sentence THEN returns the tokens of its mid-sentence capitals and its numbers", () => {
    expect(detectNamesAndNumbers("The Erez crossing saw 5,000 workers. Today it is shut.")).toEqual(new Set(["erez", "5000"]));
  });
});

describe("isWrittenAsName", () => {
  it("GIVEN a capital after a full stop or at the start THEN it is no name; mid-sentence it is", () => {
    const words = ["Officials", "met", "Livni.", "Then", "(Hamas)", "replied"];
    expect(words.map((_, i) => isWrittenAsName(words, i))).toEqual([false, false, true, false, true, false]);
  });
});

describe("detectMultiWordNames", () => {
  it("GIVEN runs of capitalized words THEN returns each run, 'of' included, not after a sentence end", () => {
    expect([...detectMultiWordNames("the Bank of England and Tzipi Livni spoke. Later Today")]).toEqual(["Bank of England", "Tzipi Livni"]);
  });
});

describe("isWrittenAsName, all capitals", () => {
  it("GIVEN an acronym that opens a sentence THEN it is a name; an ordinary opening word is not", () => {
    expect(isWrittenAsName(["NATO", "met"], 0)).toBe(true);
    expect(isWrittenAsName(["Officials", "met"], 0)).toBe(false);
    expect(isWrittenAsName(["met.", "U.S.", "officials"], 1)).toBe(true);
  });
});
