import { describe, expect, it } from "vitest";
import {
  containsExpected,
  firstHitRank,
  judgeQuestion,
  matchesGold,
  parseEvalQuestions,
  percentile,
  summarizeOutcomes,
  type EvalQuestion,
  type Located,
} from "../src/eval/eval-metrics.js";

const at = (source: string, first: number, last = first, duplicates?: Located["duplicates"]): Located => ({
  source,
  lines: [first, last],
  ...(duplicates ? { duplicates } : {}),
});

const question = (over: Partial<EvalQuestion> = {}): EvalQuestion => ({
  id: "q",
  question: "What did Russia's Foreign Ministry say?",
  gold: [{ source: "a.txt", lines: [12] }],
  answerContains: ["adhere"],
  unanswerable: false,
  ...over,
});

describe("parseEvalQuestions", () => {
  it("GIVEN the eval format THEN reads questions, gold, expected strings, dates and ids", () => {
    const text = [
      '{"question": "Q1?", "gold": [{"source": "a.txt", "lines": [12]}], "answer_contains": ["adhere"]}',
      "",
      '{"question": "Q2?", "gold": [{"source": "articles/x.md"}], "answer_contains": ["Squid Game"], "date": "2022-06-16", "id": "20220617_0"}',
      '{"question": "Q3?", "gold": [], "unanswerable": true}',
    ].join("\n");
    const { questions, errors } = parseEvalQuestions(text);
    expect(errors).toEqual([]);
    expect(questions).toEqual([
      { id: "q1", question: "Q1?", gold: [{ source: "a.txt", lines: [12] }], answerContains: ["adhere"], unanswerable: false },
      {
        id: "20220617_0",
        question: "Q2?",
        gold: [{ source: "articles/x.md" }],
        answerContains: ["Squid Game"],
        unanswerable: false,
        date: "2022-06-16",
      },
      { id: "q4", question: "Q3?", gold: [], answerContains: [], unanswerable: true },
    ]);
  });

  it("GIVEN bad lines THEN reports each with its line number and keeps the good ones", () => {
    const text = [
      "not json",
      '{"gold": []}',
      '{"question": "No gold?"}',
      '{"question": "Bad lines?", "gold": [{"source": "a.txt", "lines": ["x"]}]}',
      '{"question": "Fine?", "gold": [{"source": "a.txt"}]}',
    ].join("\n");
    const { questions, errors } = parseEvalQuestions(text);
    expect(questions.map((q) => q.question)).toEqual(["Fine?"]);
    expect(errors.map((e) => e.split(":")[0])).toEqual(["line 1", "line 2", "line 3", "line 4"]);
  });
});

describe("matching the gold", () => {
  const gold = [{ source: "a.txt", lines: [12] }];

  it("GIVEN passage-level gold THEN a result hits only when its lines overlap the gold lines", () => {
    expect(matchesGold(at("a.txt", 10, 12), gold)).toBe(true);
    expect(matchesGold(at("a.txt", 13, 15), gold)).toBe(false);
    expect(matchesGold(at("b.txt", 12), gold)).toBe(false);
    expect(matchesGold(at("a.txt", 13, 15), gold, "article")).toBe(true);
  });

  it("GIVEN a duplicate occurrence at the gold THEN the result hits", () => {
    expect(matchesGold(at("copy.txt", 1, 3, [{ source: "a.txt", lines: [11, 13] }]), gold)).toBe(true);
  });

  it("GIVEN article-level gold THEN any passage of the source hits", () => {
    expect(matchesGold(at("articles/x.md", 40, 45), [{ source: "articles/x.md" }])).toBe(true);
  });

  it("GIVEN results THEN finds the 0-based rank of the first hit, or -1", () => {
    const results = [at("b.txt", 1), at("a.txt", 1, 5), at("a.txt", 11, 14)];
    expect(firstHitRank(results, gold)).toBe(2);
    expect(firstHitRank(results, gold, "article")).toBe(1);
    expect(firstHitRank([at("b.txt", 12)], gold)).toBe(-1);
  });
});

describe("answers", () => {
  it("GIVEN expected strings THEN matches case, quote style and spacing insensitively", () => {
    expect(containsExpected("Russia would ADHERE to the approach [1]", ["adhere"])).toBe(true);
    expect(containsExpected("It’s  the Tony Awards", ["it's the tony awards"])).toBe(true);
    expect(containsExpected("Nothing here", ["adhere", "ground rules"])).toBe(false);
    expect(containsExpected("anything", [])).toBe(false);
  });

  it("GIVEN an abstention on an answerable question THEN it neither contains the answer nor cites the gold", () => {
    const outcome = judgeQuestion(
      question(),
      [at("a.txt", 12)],
      { text: "The articles don't say (adhere).", abstained: true, citations: [] },
      { searchMs: 1, askMs: 2 },
    );
    expect(outcome).toMatchObject({ rank: 0, abstained: true, answerContains: false, citesGold: false });
  });

  it("GIVEN an unanswerable question THEN retrieval and answer checks do not apply", () => {
    const outcome = judgeQuestion(
      question({ gold: [], unanswerable: true, answerContains: [] }),
      [at("a.txt", 12)],
      { text: "x", abstained: false, citations: [at("a.txt", 12)] },
      { searchMs: 1, askMs: 2 },
    );
    expect(outcome).toMatchObject({ rank: -1, answerContains: null, citesGold: null, abstained: false });
  });
});

describe("summarizeOutcomes", () => {
  it("GIVEN outcomes THEN computes hit@k, MRR@10, answer shares, abstention and latency over the right subsets", () => {
    const answer = (abstained: boolean, cite?: Located) => ({
      text: abstained ? "The articles don't say." : "Russia would adhere [1].",
      abstained,
      citations: cite ? [cite] : [],
    });
    const outcomes = [
      judgeQuestion(question({ id: "1" }), [at("a.txt", 12)], answer(false, at("a.txt", 12)), { searchMs: 10, askMs: 20 }),
      judgeQuestion(question({ id: "2" }), [at("b.txt", 1), at("c.txt", 1), at("a.txt", 12)], answer(false, at("b.txt", 1)), {
        searchMs: 20,
        askMs: 40,
      }),
      judgeQuestion(question({ id: "3" }), [at("b.txt", 1)], answer(true), { searchMs: 30, askMs: 60 }),
      judgeQuestion(question({ id: "4", gold: [], unanswerable: true, answerContains: [] }), [], answer(true), { searchMs: 40, askMs: 80 }),
      judgeQuestion(question({ id: "5", gold: [], unanswerable: true, answerContains: [] }), [], answer(false, at("a.txt", 1)), {
        searchMs: 50,
        askMs: 100,
      }),
    ];
    const m = summarizeOutcomes(outcomes);
    expect(m).toMatchObject({ questions: 5, answerable: 3, unanswerable: 2, false_abstentions: 1 });
    expect(m.retrieval.hit_at_1).toBeCloseTo(1 / 3);
    expect(m.retrieval.hit_at_5).toBeCloseTo(2 / 3);
    expect(m.retrieval.hit_at_10).toBeCloseTo(2 / 3);
    expect(m.retrieval.mrr_at_10).toBeCloseTo((1 + 1 / 3) / 3);
    expect(m.retrieval.passage_level).toBe(3);
    expect(m.answer_contains).toBeCloseTo(2 / 3);
    expect(m.cites_gold).toBeCloseTo(1 / 3);
    expect(m.abstention_unanswerable).toBe(0.5);
    expect(m.false_abstention).toBeCloseTo(1 / 3);
    expect(m.latency_ms).toEqual({ search_p50: 30, search_p95: 50, ask_p50: 60, ask_p95: 100 });
  });

  it("GIVEN no unanswerable questions THEN abstention on them is null, not zero", () => {
    const m = summarizeOutcomes([
      judgeQuestion(question(), [at("a.txt", 12)], { text: "adhere", abstained: false, citations: [] }, { searchMs: 1, askMs: 1 }),
    ]);
    expect(m.abstention_unanswerable).toBeNull();
    expect(m.retrieval.hit_at_1).toBe(1);
  });

  it("GIVEN latencies THEN percentile takes the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});
