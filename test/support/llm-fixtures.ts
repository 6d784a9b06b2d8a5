// Small hand-built passages and a recognisable fallback answerer for the LLM tests.
import type { Answerer } from "../../src/core/ports.js";
import type { Answer, Passage, Ranked } from "../../src/core/types.js";

/** A passage whose i-th line came from file line firstLine + i. */
export function makePassage(id: string, text: string, extra: Partial<Passage> = {}, firstLine = 1): Passage {
  const lineCount = text.split("\n").length;
  return {
    id,
    source: `news/${id}.txt`,
    title: `Title ${id}`,
    date: "2024-03-05",
    lines: [firstLine, firstLine + lineCount - 1],
    text,
    lineMap: Array.from({ length: lineCount }, (_, i) => [firstLine + i, firstLine + i] as [number, number]),
    ...extra,
  };
}

export function rank(...passages: Passage[]): Ranked[] {
  return passages.map((passage, i) => ({ passage, score: 1 - i / 10 }));
}

export const RATES = makePassage(
  "rates",
  "The central bank raised its main interest rate to 4.5 percent on Tuesday.\nGovernor Maria Lopez said inflation remained too high.",
  { title: "Bank raises rates", date: "2024-03-05", source: "economy/rates.txt" },
);
export const HARBOUR = makePassage(
  "harbour",
  "Dock workers in Rotterdam went on strike for three days over pay.\nShipping was delayed across the port.",
  {
    title: "Rotterdam strike",
    date: "2024-02-11",
    source: "world/harbour.md",
  },
);
export const STORM = makePassage("storm", "A storm closed schools in Glasgow on Friday, the city council said.", {
  title: "Storm shuts schools",
  date: "2024-01-19",
  source: "uk/storm.txt",
});

export const FALLBACK_TEXT = "extractive answer";

/** A fallback answerer that records its calls and answers with a fixed, recognisable text. */
export function recordingFallback(): Answerer & { calls: { question: string; ranked: Ranked[] }[] } {
  const calls: { question: string; ranked: Ranked[] }[] = [];
  const answerer = async (question: string, ranked: Ranked[]): Promise<Answer> => {
    calls.push({ question, ranked });
    return { question, text: FALLBACK_TEXT, abstained: false, citations: [], nearest: [] };
  };
  return Object.assign(answerer, { calls });
}
