import { describe, expect, it } from "vitest";
import { cachedGlobCount, checkFilters, matchesGlob } from "../src/core/retrieval/match-filters.js";
import { GlobError, MAX_GLOB_LENGTH, compileGlob } from "../src/core/retrieval/match-glob.js";

const DEEP = `${"a/".repeat(30)}${"a".repeat(250)}.txt`;

describe("source globs people type", () => {
  it("GIVEN braces THEN each alternative matches, nested and numeric ranges included", () => {
    expect(matchesGlob("bbc/x.txt", "{bbc,pages}/**")).toBe(true);
    expect(matchesGlob("pages/a/b.md", "{bbc,pages}/**")).toBe(true);
    expect(matchesGlob("articles/a.md", "{bbc,pages}/**")).toBe(false);
    expect(matchesGlob("bbc/2005/x.md", "bbc/{2004,{2005,2006}}/*.{md,txt}")).toBe(true);
    expect(matchesGlob("rtqa_7.md", "rtqa_{1..9}.md")).toBe(true);
    expect(matchesGlob("rtqa_10.md", "rtqa_{1..9}.md")).toBe(false);
  });

  it("GIVEN classes THEN [0-4] is one character of the range, [!0-4] one outside it, never a slash", () => {
    expect(matchesGlob("bbc/3x.txt", "bbc/[0-4]*.txt")).toBe(true);
    expect(matchesGlob("bbc/7x.txt", "bbc/[0-4]*.txt")).toBe(false);
    expect(matchesGlob("bbc/7x.txt", "bbc/[!0-4]*.txt")).toBe(true);
    expect(matchesGlob("a/b", "a[/]b")).toBe(false);
    expect(matchesGlob("a[b", "a[b")).toBe(true);
  });

  it("GIVEN a leading ! THEN every article but the pattern's matches", () => {
    expect(matchesGlob("bbc/x.txt", "!bbc/**")).toBe(false);
    expect(matchesGlob("pages/x.md", "!bbc/**")).toBe(true);
    expect(matchesGlob("bbc/x.txt", "!bbc")).toBe(false);
    expect(matchesGlob("BBC/X.TXT", "bbc/*.txt")).toBe(true);
  });

  it("GIVEN patterns built to backtrack THEN each answers at once, as any other", () => {
    // Each took from seconds to hours as a regular expression (ours, or picomatch's); a hang fails the test by timeout.
    const hostile: Array<[pattern: string, matchesNameEndingInBang: boolean]> = [
      [`${"*".repeat(16)}!`, true],
      [`${"*a".repeat(99)}!`, true],
      [`${"**/".repeat(66)}!`, false],
      [`${"?*".repeat(99)}!`, true],
      [`${"**a".repeat(66)}!`, true],
      [`${"[a-z]*".repeat(33)}!`, true],
    ];
    for (const [pattern, matchesBang] of hostile) {
      expect(pattern.length).toBeLessThanOrEqual(MAX_GLOB_LENGTH);
      expect(matchesGlob(DEEP, pattern)).toBe(false);
      expect(matchesGlob(DEEP.replace(/\.txt$/, "!"), pattern)).toBe(matchesBang);
    }
  });

  it("GIVEN a pattern too long, or braces expanding too far THEN it is refused with what to change", () => {
    expect(() => compileGlob("a".repeat(MAX_GLOB_LENGTH + 1))).toThrow(GlobError);
    expect(() => compileGlob("{a,b}".repeat(7))).toThrow(/more than 64 alternatives/);
    expect(() => compileGlob("{1..100000}")).toThrow(/more than 64 values/);
    expect(checkFilters({ source: "x".repeat(300) })).toMatch(/^--source "x+…" is 300 characters long; the limit is 200$/);
  });

  it("GIVEN thousands of different patterns THEN the compiled-pattern cache stays bounded", () => {
    for (let i = 0; i < 5_000; i++) matchesGlob("bbc/x.txt", `bbc/${i}/*`);
    expect(cachedGlobCount()).toBeLessThanOrEqual(64);
  });
});

describe("checkFilters, the one filter check of every front end", () => {
  it("GIVEN an impossible day THEN it is refused, naming the option as the front end spells it", () => {
    expect(checkFilters({ since: "2020-02-31" })).toMatch(/--since must be a real date/);
    expect(checkFilters({ until: "2024-13-01" })).toMatch(/--until must be a real date/);
    expect(checkFilters({ since: "2020-02-31" }, { source: "sources", since: "since", until: "until" })).toMatch(/^since must/);
    expect(checkFilters({ since: "2020-02-29", until: "2020-03-01T10:00:00Z" })).toBeUndefined();
  });

  it("GIVEN since after until THEN it is refused instead of silently matching nothing", () => {
    expect(checkFilters({ since: "2024-05-01", until: "2024-01-01" })).toBe("--since 2024-05-01 is after --until 2024-01-01: no article can match");
  });
});
