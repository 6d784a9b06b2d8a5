import { describe, expect, it } from "vitest";
import { ABSTENTION_OPENING, ABSTENTION_TEXT, isAbstention } from "../src/core/answer/abstention.js";
import { CITATION_MARKER, readCitationMarker, stripCitationMarkers } from "../src/core/text/citation-markers.js";

describe("citation markers", () => {
  it("GIVEN markers of every written form THEN reads the passage numbers they cite", () => {
    expect(readCitationMarker("[1]")).toEqual([1]);
    expect(readCitationMarker("[1, 3]")).toEqual([1, 3]);
    expect(readCitationMarker("[2–4]")).toEqual([2, 3, 4]);
    expect(readCitationMarker("[Passage 2][source 5]")).toEqual([2, 5]);
    expect(readCitationMarker("[note 2] [a]")).toEqual([]);
  });

  it("GIVEN a range that runs far THEN reads at most 20 numbers of it", () => {
    expect(readCitationMarker("[1-1000]")).toHaveLength(20);
  });

  it("GIVEN the shared global pattern used twice THEN finds the same markers each time", () => {
    const text = "Prices rose [1] and fell [2].";
    expect([...text.matchAll(CITATION_MARKER)].map((m) => m[1])).toEqual(["1", "2"]);
    expect([...text.matchAll(CITATION_MARKER)].map((m) => m[1])).toEqual(["1", "2"]);
  });

  it("GIVEN an answer with printed markers THEN strips them with the space before them", () => {
    expect(stripCitationMarkers("Prices rose [1][2, 3]. They fell [4].")).toBe("Prices rose. They fell.");
  });
});

describe("abstention text", () => {
  it("GIVEN Newsdesk's own abstention THEN it opens as models are told to and reads as an abstention", () => {
    expect(ABSTENTION_TEXT.startsWith(ABSTENTION_OPENING)).toBe(true);
    expect(isAbstention(ABSTENTION_TEXT)).toBe(true);
  });
});
