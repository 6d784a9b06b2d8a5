import { describe, expect, it } from "vitest";
import { matchesWordForm, stemForRetrieval, stemForVerification } from "../src/core/text/stem-word.js";

describe("stemForRetrieval", () => {
  it("GIVEN a word longer than five letters THEN keeps its first five, so word forms meet", () => {
    expect(stemForRetrieval("retirement")).toBe("retir");
    expect(stemForRetrieval("retired")).toBe("retir");
    expect(stemForRetrieval("rates")).toBe("rates");
  });

  it("GIVEN a number THEN keeps it whole: 2022001 is no form of 202200", () => {
    expect(stemForRetrieval("2022001")).toBe("2022001");
  });
});

describe("stemForVerification", () => {
  it("GIVEN inflected forms THEN strips one suffix so that they meet", () => {
    expect(stemForVerification("rates")).toBe(stemForVerification("rate"));
    expect(stemForVerification("rising")).toBe(stemForVerification("rise"));
    expect(stemForVerification("negotiations")).toBe("negoti");
  });

  it("GIVEN a short word THEN leaves a stem of three letters at least", () => {
    expect(stemForVerification("uses")).toBe("use");
    expect(stemForVerification("bed")).toBe("bed");
    expect(stemForVerification("ring")).toBe("ring");
  });
});

describe("matchesWordForm", () => {
  it("GIVEN a name and its adjective, or a singular and its plural THEN they match either way round", () => {
    expect(matchesWordForm("russia", new Set(["russian"]))).toBe(true);
    expect(matchesWordForm("ministers", new Set(["minister"]))).toBe(true);
  });

  it("GIVEN words that only share a short beginning THEN they do not match", () => {
    expect(matchesWordForm("gaza", new Set(["gazette"]))).toBe(false);
    expect(matchesWordForm("president", new Set(["press"]))).toBe(false);
  });
});
