// Replays honest and dishonest model answers over real passages of the starting corpus: every dishonest
// answer loses its invented part, and the honest ones keep at least the share measured when the check was
// made strict (docs/reliability.md has the figures).
import { describe, expect, it } from "vitest";
import { verifyCitations, type VerifiedAnswer } from "../src/core/answer/verify-citations.js";
import { MODEL_ANSWERS, rankedFor } from "./support/model-answers.js";

const answers = MODEL_ANSWERS;

/** Everything of the reply a reader would see. */
function shown(result: VerifiedAnswer): string {
  return `${result.text}\n${result.abstention ?? ""}`;
}

function keptWhole(result: VerifiedAnswer): boolean {
  return result.removed.length === 0 && (result.supportedClaims > 0 || result.abstention !== undefined);
}

const honest = answers.filter((a) => a.honest);
const dishonest = answers.filter((a) => !a.honest);
/**
 * Measured when the check was made strict: 51 of 57 kept whole. The six it drops reword beyond what a
 * reader can check in the passage ("gunmen" for "armed Palestinians", "received a sentence", "make" for "made").
 */
const HONEST_KEEP_FLOOR = 0.89;

describe("verifyCitations over replayed model answers", () => {
  it("GIVEN the fixture THEN it has at least 40 honest and 40 dishonest answers", () => {
    expect(honest.length).toBeGreaterThanOrEqual(40);
    expect(dishonest.length).toBeGreaterThanOrEqual(40);
  });

  it.each(dishonest.map((a) => [`${a.id} (${a.kind}): ${a.invented}`, a] as const))(
    "GIVEN a dishonest answer %s THEN the invented part does not reach the reply",
    (_name, answer) => {
      const result = verifyCitations(answer.answer, rankedFor(answer), answer.question);
      expect(shown(result).toLowerCase()).not.toContain((answer.invented as string).toLowerCase());
    },
  );

  it("GIVEN the honest answers THEN the share kept whole is above the measured floor", () => {
    const dropped = honest.filter((a) => !keptWhole(verifyCitations(a.answer, rankedFor(a), a.question)));
    const rate = (honest.length - dropped.length) / honest.length;
    console.info(
      `honest answers kept whole: ${honest.length - dropped.length}/${honest.length}; dropped: ${dropped.map((a) => a.id).join(", ") || "none"}`,
    );
    expect(rate).toBeGreaterThanOrEqual(HONEST_KEEP_FLOOR);
  });
});
