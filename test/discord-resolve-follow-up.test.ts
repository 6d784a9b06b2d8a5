import { describe, expect, it } from "vitest";
import type { Turn } from "../src/core/ports.js";
import { resolveFollowUp } from "../src/core/pipeline/resolve-follow-up.js";
import type { Citation } from "../src/core/types.js";
import { FIXTURE_PASSAGES } from "./support/discord-fake-pipeline.js";

const cite = (n: number, index: number): Citation => {
  const p = FIXTURE_PASSAGES[index]!;
  return { n, source: p.source, title: p.title, lines: p.lines, quote: p.text, score: 1, passageId: p.id };
};

const FIRST: Turn = {
  question: "What did the Russian Foreign Ministry say about Hamas?",
  answer: {
    question: "What did the Russian Foreign Ministry say about Hamas?",
    text: "… [1] … [2]",
    abstained: false,
    citations: [cite(1, 3), cite(2, 1)],
    nearest: [],
  },
};

describe("resolveFollowUp", () => {
  it("GIVEN no conversation THEN the question stands as asked", () => {
    expect(resolveFollowUp("and what did Israel say?", [])).toEqual({ question: "and what did Israel say?", referenced: [], resolved: false });
  });

  it("GIVEN 'tell me more about [2]' THEN [2] becomes the earlier answer's source 2: its quote and title", () => {
    const resolved = resolveFollowUp("tell me more about [2]", [FIRST]);
    expect(resolved.resolved).toBe(true);
    expect(resolved.referenced.map((c) => c.passageId)).toEqual(["p-livni"]);
    expect(resolved.question).toContain("Tzipi Livni");
    expect(resolved.question).toContain(FIXTURE_PASSAGES[1]!.title);
    expect(resolved.question).not.toContain("[2]");
  });

  it("GIVEN a marker the earlier answers do not have THEN it is left alone", () => {
    const resolved = resolveFollowUp("what about [7] then", [FIRST]);
    expect(resolved.referenced).toEqual([]);
    expect(resolved.question).toContain("[7]");
  });

  it("GIVEN two earlier answers THEN [1] means the latest answer's source 1", () => {
    const second: Turn = { question: "And the US?", answer: { ...FIRST.answer, citations: [cite(1, 2)] } };
    expect(resolveFollowUp("more on [1] please", [FIRST, second]).referenced.map((c) => c.passageId)).toEqual(["p-state"]);
  });

  it("GIVEN 'and what did Israel say?' THEN the earlier question is attached", () => {
    const resolved = resolveFollowUp("and what did Israel say?", [FIRST]);
    expect(resolved).toMatchObject({
      resolved: true,
      question: "and what did Israel say? (following up on: What did the Russian Foreign Ministry say about Hamas?)",
    });
  });

  it("GIVEN a question that stands on its own THEN it is not changed", () => {
    const standalone = "Which party leaders in Germany disagree about ties with Russia?";
    expect(resolveFollowUp(standalone, [FIRST])).toEqual({ question: standalone, referenced: [], resolved: false });
  });
});
