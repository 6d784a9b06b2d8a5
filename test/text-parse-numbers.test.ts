import { describe, expect, it } from "vitest";
import { isNumberToken, parseNumberWord, statesDate, statesNumber } from "../src/core/text/parse-numbers.js";

describe("parse-numbers", () => {
  it("GIVEN tokens THEN those that start with a digit are numbers", () => {
    expect(["2000", "3.5", "1990s", "g20", ""].map(isNumberToken)).toEqual([true, true, true, false, false]);
  });

  it("GIVEN spelled numbers and ordinals THEN gives their digits; other words unchanged", () => {
    expect(["three", "third", "dozen", "threes"].map(parseNumberWord)).toEqual(["3", "3", "12", "threes"]);
  });

  it("GIVEN sentences THEN tells which state a figure and which a time", () => {
    expect(statesNumber("Two million people fled.")).toBe(true);
    expect(statesNumber("Many people fled.")).toBe(false);
    expect(statesDate("The talks began in March.")).toBe(true);
    expect(statesDate("The talks began.")).toBe(false);
  });
});
