import { describe, expect, it } from "vitest";
import { parseEvalArgs, runEval } from "../src/cli/run-eval.js";
import type { CliIo } from "../src/cli/cli-io.js";
import type { AskOptions, Pipeline, SearchOptions } from "../src/core/ports.js";
import type { Passage } from "../src/core/types.js";

const PASSAGES: Passage[] = [
  { id: "p1", source: "a.txt", title: "A", lines: [10, 12], text: "Russia would adhere to the approach.", lineMap: [[10, 12]] },
  { id: "p2", source: "b.txt", title: "B", lines: [1, 3], text: "Bolsonaro lost his appeal.", lineMap: [[1, 3]] },
];

const QA = [
  '{"question": "What did Russia say?", "gold": [{"source": "a.txt", "lines": [12]}], "answer_contains": ["adhere"], "date": "2022-06-16"}',
  '{"question": "What did Bolsonaro lose?", "gold": [{"source": "b.txt"}], "answer_contains": ["appeal"]}',
  '{"question": "Who won the cup?", "gold": [], "unanswerable": true}',
  "this line is broken",
].join("\n");

/** A plain fake pipeline: ranks passages by shared words (over three letters) and answers from the best one, or abstains. */
function fakePipeline(seen: { asOf: (string | undefined)[] }): Pipeline {
  const rank = (question: string) => {
    const words = new Set(question.toLowerCase().match(/\w{4,}/g));
    return PASSAGES.map((passage) => ({ passage, score: (passage.text.toLowerCase().match(/\w+/g) ?? []).filter((w) => words.has(w)).length }))
      .filter((r) => r.score > 0)
      .sort((a, b) => b.score - a.score);
  };
  return {
    async search(query: string, options?: SearchOptions) {
      return { query, results: rank(query).slice(0, options?.k ?? 8), timings_ms: { retrieve: 1 } };
    },
    async ask(question: string, options?: AskOptions) {
      seen.asOf.push(options?.asOf);
      const [best] = rank(question);
      const timings_ms = { retrieve: 1, answer: 1, total: 2 };
      if (!best) return { question, text: "The articles don't say.", abstained: true, citations: [], nearest: [], timings_ms };
      const { passage } = best;
      return {
        question,
        text: `${passage.text} [1]`,
        abstained: false,
        citations: [
          { n: 1, source: passage.source, title: passage.title, lines: passage.lines, quote: passage.text, score: 1, passageId: passage.id },
        ],
        nearest: [],
        timings_ms,
      };
    },
    listArticles: () => [],
    getPassage: (id) => PASSAGES.find((p) => p.id === id),
  };
}

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    stdin: (async function* () {})(),
    env: { LOG_LEVEL: "silent" },
  };
}

describe("npm run eval", () => {
  it("GIVEN a questions file THEN prints one JSON object with the metrics, skipping and reporting a bad line", async () => {
    const seen = { asOf: [] as (string | undefined)[] };
    const cli = io();
    const code = await runEval(["--qa", "qa.jsonl", "--json"], cli, {
      readText: async () => QA,
      open: async () => ({ pipeline: fakePipeline(seen) }),
    });
    expect(code).toBe(0);
    const result = JSON.parse(cli.out.join(""));
    expect(result).toMatchObject({ questions: 3, answerable: 2, unanswerable: 1, false_abstentions: 0 });
    expect(result.retrieval).toMatchObject({ hit_at_1: 1, passage_level: 1, article_level: 1 });
    expect(result.answer_contains).toBe(1);
    expect(result.cites_gold).toBe(1);
    expect(result.abstention_unanswerable).toBe(1);
    expect(cli.err.join("")).toContain("line 4");
    // Each question is asked as of its own date, when it has one.
    expect(seen.asOf).toEqual(["2022-06-16", undefined, undefined]);
  });

  it("GIVEN --no-dates THEN no question gets a reference date; GIVEN --as-of THEN every question gets that one", async () => {
    for (const [flag, expected] of [
      [["--no-dates"], [undefined, undefined, undefined]],
      [
        ["--as-of", "2023-01-02"],
        ["2023-01-02", "2023-01-02", "2023-01-02"],
      ],
    ] as const) {
      const seen = { asOf: [] as (string | undefined)[] };
      await runEval(["--qa", "qa.jsonl", ...flag], io(), { readText: async () => QA, open: async () => ({ pipeline: fakePipeline(seen) }) });
      expect(seen.asOf).toEqual(expected);
    }
  });

  it("GIVEN the text format with --misses THEN prints the table and names the questions that missed", async () => {
    const cli = io();
    const qa = '{"question": "Who won the cup? Russia?", "gold": [], "unanswerable": true}';
    await runEval(["--qa", "qa.jsonl", "--misses"], cli, { readText: async () => qa, open: async () => ({ pipeline: fakePipeline({ asOf: [] }) }) });
    const text = cli.out.join("");
    expect(text).toContain("hit@1");
    expect(text).toContain("answered an unanswerable question");
  });

  it("GIVEN bad arguments or an unreadable file THEN exits non-zero with a message and no stack trace", async () => {
    const open = async () => ({ pipeline: fakePipeline({ asOf: [] }) });
    for (const argv of [[], ["--qa", "x", "--k", "0"], ["--qa", "x", "--since", "yesterday"], ["--qa", "x", "--as-of", "2022-01-01", "--no-dates"]]) {
      const cli = io();
      expect(await runEval(argv, cli, { readText: async () => QA, open })).toBe(2);
      expect(cli.err.join("")).not.toMatch(/\n\s+at /);
    }
    const cli = io();
    const code = await runEval(["--qa", "missing.jsonl"], cli, {
      readText: async () => {
        throw new Error("ENOENT");
      },
      open,
    });
    expect(code).toBe(2);
    expect(cli.err.join("")).toContain("Cannot read the questions file missing.jsonl");
  });

  it("GIVEN filters THEN parses them into search filters", () => {
    expect(parseEvalArgs(["--qa", "x", "--source", "bbc/**", "--since", "2004-01-01"]).filters).toEqual({
      source: "bbc/**",
      since: "2004-01-01",
    });
  });
});
