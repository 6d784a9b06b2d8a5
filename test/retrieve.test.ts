import { describe, expect, it } from "vitest";
import { buildLexicalIndex, inverseDocumentFrequency, searchLexical } from "../src/core/lexical/lexical-index.js";
import { matchesFilters, matchesGlob, viewThroughFilters } from "../src/core/retrieval/match-filters.js";
import type { Candidate, PassageSearcher } from "../src/core/ports.js";
import { recencyFit, resolveRecency } from "../src/core/retrieval/resolve-recency.js";
import { diversify } from "../src/core/retrieval/diversify-results.js";
import { extractFeatures } from "../src/core/retrieval/extract-features.js";
import { fuseRankings } from "../src/core/retrieval/fuse-rankings.js";
import { profileQuery } from "../src/core/retrieval/profile-query.js";
import { rerank } from "../src/core/retrieval/rerank-candidates.js";
import { DEFAULT_RETRIEVAL, FEATURE_NAMES, type RerankWeights } from "../src/core/retrieval/retrieval-settings.js";
import { retrieveHybrid, retrievePassages } from "../src/core/retrieval/retrieve.js";
import type { Passage, Ranked } from "../src/core/types.js";

function passage(id: string, text: string, extra: Partial<Passage> = {}): Passage {
  const lines = text.split("\n");
  return {
    id,
    source: extra.source ?? `${id}.txt`,
    title: extra.title ?? id,
    lines: [1, lines.length],
    text,
    lineMap: lines.map((_, i) => [i + 1, i + 1]),
    ...extra,
  };
}

const onlyWeights = (weights: Partial<RerankWeights>): RerankWeights => ({
  ...(Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as RerankWeights),
  ...weights,
});

const flatIdf = () => 1;

describe("fuseRankings", () => {
  it("GIVEN reciprocal rank fusion THEN a passage both channels rank well beats one only a single channel ranks first", () => {
    const fused = fuseRankings(
      [
        { id: "a", score: 9 },
        { id: "both", score: 8 },
      ],
      [
        { id: "d", distance: 0.1 },
        { id: "both", distance: 0.2 },
      ],
      { method: "rrf", rrfK: 60, lexicalWeight: 1, denseWeight: 1 },
    );
    expect(fused[0].id).toBe("both");
    expect(fused[0]).toMatchObject({ lexicalRank: 1, denseRank: 1, lexicalScore: 8, denseDistance: 0.2 });
    expect(fused.map((f) => f.id).sort()).toEqual(["a", "both", "d"]);
  });

  it("GIVEN a zero dense weight THEN the lexical order is kept", () => {
    const fused = fuseRankings(
      [
        { id: "a", score: 3 },
        { id: "b", score: 2 },
        { id: "c", score: 1 },
      ],
      [
        { id: "c", distance: 0 },
        { id: "b", distance: 0.5 },
      ],
      { method: "rrf", rrfK: 60, lexicalWeight: 1, denseWeight: 0 },
    );
    expect(fused.map((f) => f.id)).toEqual(["a", "b", "c"]);
  });

  it("GIVEN weighted fusion THEN a closer dense hit (lower distance) adds more", () => {
    const fused = fuseRankings(
      [
        { id: "a", score: 10 },
        { id: "b", score: 10 },
      ],
      [
        { id: "b", distance: 0.1 },
        { id: "a", distance: 0.9 },
      ],
      { method: "weighted", rrfK: 60, lexicalWeight: 1, denseWeight: 0.5 },
    );
    expect(fused.map((f) => f.id)).toEqual(["b", "a"]);
  });
});

describe("re-ranking features", () => {
  const question = "What did Russia's Foreign Ministry spokesman say about Hamas?";
  const near = passage(
    "near",
    "Other news first. A spokesman for the Russian Foreign Ministry, Mikhail Kamynin, said Russia would adhere to the approach on Hamas.",
  );
  const far = passage(
    "far",
    "Russia spoke. The weather was fine. Trains ran late. Markets rose. The foreign press came. Hamas replied. A ministry opened. A spokesman left.",
  );

  it("GIVEN query terms together in one sentence THEN proximity beats the same terms scattered", () => {
    const query = profileQuery(question, flatIdf);
    const a = extractFeatures(query, near, { lexical: 0, dense: 0, article: 0 });
    const b = extractFeatures(query, far, { lexical: 0, dense: 0, article: 0 });
    expect(a.coverage).toBeCloseTo(b.coverage, 5);
    expect(a.proximity).toBeGreaterThan(b.proximity);
    expect(a.phrase).toBeGreaterThan(b.phrase);
  });

  it("GIVEN names and numbers in the question THEN counts the ones the passage holds", () => {
    const query = profileQuery("How many votes did Lula get in the 2022 election in Brazil?", flatIdf);
    expect([...query.names].sort()).toEqual(["brazil", "lula"]);
    expect([...query.numbers]).toEqual(["2022"]);
    const f = extractFeatures(query, passage("p", "Lula won the 2022 run-off with 60.3 million votes."), { lexical: 0, dense: 0, article: 0 });
    expect(f.names).toBe(0.5);
    expect(f.numbers).toBe(1);
    expect(f.answerType).toBe(1); // a number the question does not already hold
  });

  it("GIVEN the title holds the query terms THEN the title feature is set and the body's are not", () => {
    const query = profileQuery("Tesla robot", flatIdf);
    const f = extractFeatures(query, passage("p", "It walked slowly on stage.", { title: "Tesla robot at AI Day" }), {
      lexical: 0,
      dense: 0,
      article: 0,
    });
    expect(f.title).toBe(1);
    expect(f.coverage).toBe(1);
    expect(f.proximity).toBe(0);
  });

  it("GIVEN other word forms THEN soft matching by stem credits them", () => {
    const query = profileQuery("Which quarterback announced his retirement?", flatIdf);
    const f = extractFeatures(query, passage("p", "The quarterback announced he is retiring after the season."), {
      lexical: 0,
      dense: 0,
      article: 0,
    });
    expect(f.coverage).toBeLessThan(1);
    expect(f.stems).toBe(1);
  });

  it("GIVEN stems THEN a long word matches by its first five letters, a short word or a number only exactly", () => {
    const none = { lexical: 0, dense: 0, article: 0 };
    // "traders" has the stem "trade", which the five-letter "trade" is; "trade" in turn matches "trader".
    expect(extractFeatures(profileQuery("traders", flatIdf), passage("p", "Trade fell."), none).stems).toBe(1);
    expect(extractFeatures(profileQuery("trade", flatIdf), passage("p", "Traders sold."), none).stems).toBe(1);
    // A short word is its own stem: "tax" does not match "taxes" (stem "taxes").
    expect(extractFeatures(profileQuery("tax", flatIdf), passage("p", "Taxes rose."), none).stems).toBe(0);
    // Numbers are never cut: "202200" does not match "2022001".
    expect(extractFeatures(profileQuery("202200", flatIdf), passage("p", "Ticket 2022001 won."), none).stems).toBe(0);
    // Title words count too, and each stem counts once with its weight.
    const weights = new Map([
      ["volcanoes", 3],
      ["island", 1],
    ]);
    const query = profileQuery("volcanoes island", (t) => weights.get(t) ?? 0);
    expect(extractFeatures(query, passage("p", "Nothing here.", { title: "Volcanic ash" }), none).stems).toBe(0.75);
  });

  it("GIVEN a time word and a reference date THEN an article from that window gets the recency feature", () => {
    const query = profileQuery("Which team won the title this week?", flatIdf, "2022-09-20");
    const recent = extractFeatures(query, passage("r", "The Aces won the title.", { date: "2022-09-18" }), { lexical: 0, dense: 0, article: 0 });
    const old = extractFeatures(query, passage("o", "The Aces won the title.", { date: "2021-09-18" }), { lexical: 0, dense: 0, article: 0 });
    const undated = extractFeatures(query, passage("u", "The Aces won the title."), { lexical: 0, dense: 0, article: 0 });
    expect(recent.recency).toBe(1);
    expect(old.recency).toBe(0);
    expect(undated.recency).toBe(0);
  });
});

describe("passage analysis", () => {
  it("GIVEN two passages with the same id but different texts THEN features follow each text", () => {
    const query = profileQuery("volcano eruption", flatIdf);
    const a = extractFeatures(query, passage("same-id", "A volcano erupted."), { lexical: 0, dense: 0, article: 0 });
    const b = extractFeatures(query, passage("same-id", "Markets fell sharply."), { lexical: 0, dense: 0, article: 0 });
    expect(a.coverage).toBeGreaterThan(0);
    expect(b.coverage).toBe(0);
  });
});

describe("rerank", () => {
  it("GIVEN a proximity weight THEN the passage answering in one sentence overtakes a higher BM25 score", () => {
    const query = profileQuery("Foreign Ministry spokesman Hamas", flatIdf);
    const scattered = passage(
      "scattered",
      "Hamas won. The ministry building is old. Foreign visitors came. A spokesman quit. Hamas again. Hamas, Hamas.",
    );
    const together = passage("together", "The Foreign Ministry spokesman said Hamas was invited.");
    const candidates = [
      { passage: scattered, lexicalScore: 10 },
      { passage: together, lexicalScore: 8 },
    ];
    expect(rerank(query, candidates, onlyWeights({ lexical: 1 }))[0].passage.id).toBe("scattered");
    expect(rerank(query, candidates, onlyWeights({ lexical: 1, proximity: 2 }))[0].passage.id).toBe("together");
  });

  it("GIVEN a dense-only candidate THEN it is scored with a zero lexical feature, not dropped", () => {
    const query = profileQuery("volcano", flatIdf);
    const ranked = rerank(
      query,
      [
        { passage: passage("lex", "volcano"), lexicalScore: 5 },
        { passage: passage("dense", "eruption near Naples"), denseDistance: 0.2 },
      ],
      onlyWeights({ lexical: 1, dense: 1 }),
    );
    expect(ranked.map((r) => r.passage.id).sort()).toEqual(["dense", "lex"]);
    expect(ranked.find((r) => r.passage.id === "dense")!.features.lexical).toBe(0);
  });
});

describe("diversify", () => {
  const r = (id: string, source: string, text = `text of ${id} about ${source} ${id}`, score = 1): Ranked => ({
    passage: passage(id, text, { source }),
    score,
  });

  it("GIVEN three passages of one article in the top five THEN the third moves below other articles", () => {
    const ranked = [r("a1", "a"), r("a2", "a"), r("a3", "a"), r("b1", "b"), r("c1", "c"), r("d1", "d")];
    expect(diversify(ranked).map((x) => x.passage.id)).toEqual(["a1", "a2", "b1", "c1", "d1", "a3"]);
  });

  it("GIVEN a limit THEN the first results are the same as without one", () => {
    const ranked = [r("a1", "a"), r("a2", "a"), r("a3", "a"), r("a4", "a"), r("b1", "b"), r("c1", "c"), r("b2", "b"), r("d1", "d")];
    const full = diversify(ranked).map((x) => x.passage.id);
    for (const limit of [1, 3, 5, 7]) {
      expect(
        diversify(ranked, undefined, limit)
          .map((x) => x.passage.id)
          .slice(0, limit),
      ).toEqual(full.slice(0, limit));
    }
  });

  it("GIVEN too few other articles THEN the extra passages of one article fill the top five after all", () => {
    const ranked = [r("a1", "a"), r("a2", "a"), r("a3", "a"), r("a4", "a"), r("b1", "b")];
    expect(diversify(ranked).map((x) => x.passage.id)).toEqual(["a1", "a2", "b1", "a3", "a4"]);
  });

  it("GIVEN the same text twice, or the same story in another file THEN keeps only the first", () => {
    const story =
      "Police arrested 31 men believed to be affiliated with the White nationalist group Patriot Front near a Pride event in Idaho on Saturday.";
    const ranked = [
      r("x", "bbc/1.txt", story),
      r("y", "bbc/2.txt", `${story}  `),
      r("z", "feed/3.md", `${story} Officials said more would follow.`),
      r("w", "other.md", "An unrelated passage about something else entirely, with other words."),
    ];
    expect(diversify(ranked).map((x) => x.passage.id)).toEqual(["x", "w"]);
  });
});

describe("filters", () => {
  it("GIVEN globs THEN * stays in one folder, ** crosses folders, ? is one character, a bare name matches at any depth", () => {
    expect(matchesGlob("bbc/bbc_business_001.txt", "bbc/*")).toBe(true);
    expect(matchesGlob("bbc/2005/x.txt", "bbc/*.txt")).toBe(false);
    expect(matchesGlob("bbc/2005/x.txt", "bbc/**/*.txt")).toBe(true);
    expect(matchesGlob("bbc/x.txt", "bbc/**/*.txt")).toBe(true);
    expect(matchesGlob("articles/rtqa_1.md", "*.md")).toBe(true);
    expect(matchesGlob("articles/rtqa_1.md", "articles/rtqa_?.md")).toBe(true);
    expect(matchesGlob("articles/rtqa_12.md", "articles/rtqa_?.md")).toBe(false);
    expect(matchesGlob("bbc/x.txt", "bbc")).toBe(true);
    expect(matchesGlob("bbcnews/x.txt", "bbc")).toBe(false);
    expect(matchesGlob("pages/a.md", "articles/**")).toBe(false);
    expect(matchesGlob("a+b(1).md", "a+b(1).md")).toBe(true);
  });

  it("GIVEN a date range THEN keeps dated passages inside it and drops undated ones", () => {
    const june = passage("june", "x", { date: "2022-06-16" });
    const julyStamp = passage("july", "x", { date: "2022-07-01T10:00:00Z" });
    const undated = passage("undated", "x");
    const filters = { since: "2022-06-01", until: "2022-06-30" };
    expect(matchesFilters(june, filters)).toBe(true);
    expect(matchesFilters(julyStamp, filters)).toBe(false);
    expect(matchesFilters(julyStamp, { since: "2022-07-01" })).toBe(true);
    expect(matchesFilters(undated, filters)).toBe(false);
    expect(matchesFilters(undated, { source: "*.txt" })).toBe(true);
    expect(matchesFilters(undated, undefined)).toBe(true);
  });

  it("GIVEN a passage that passes only through a duplicate occurrence THEN shows that occurrence", () => {
    const p = passage("dup", "line one\nline two", {
      source: "feed/a.txt",
      lines: [10, 11],
      lineMap: [
        [10, 10],
        [11, 11],
      ],
      duplicates: [{ source: "bbc/b.txt", title: "B", lines: [3, 4] }],
    });
    expect(matchesFilters(p, { source: "bbc/**" })).toBe(true);
    const shown = viewThroughFilters(p, { source: "bbc/**" });
    expect(shown).toMatchObject({
      source: "bbc/b.txt",
      title: "B",
      lines: [3, 4],
      lineMap: [
        [3, 3],
        [4, 4],
      ],
    });
    expect(shown.duplicates?.[0].source).toBe("feed/a.txt");
  });
});

describe("resolveRecency", () => {
  it("GIVEN time words THEN resolves them against the reference date", () => {
    expect(resolveRecency("Who resigned this week?", "2022-07-08")).toMatchObject({ from: "2022-06-30", to: "2022-07-08" });
    expect(resolveRecency("What happened yesterday?", "2022-07-08")).toMatchObject({ from: "2022-07-07", to: "2022-07-08" });
    // 2022-06-23 was a Thursday: "on Tuesday" is 2022-06-21.
    expect(resolveRecency("What NFL star announced his retirement on Tuesday?", "2022-06-23")).toMatchObject({
      from: "2022-06-20",
      to: "2022-06-23",
    });
    expect(resolveRecency("What did the Fed do in March?", "2023-07-01")).toMatchObject({ from: "2023-03-01", to: "2023-04-03" });
    expect(resolveRecency("What did the Fed do in November?", "2023-07-01")).toMatchObject({ from: "2022-11-01" });
    expect(resolveRecency("Which show was recently renewed?", "2022-06-16")).toMatchObject({ from: "2022-05-17", to: "2022-06-16" });
  });

  it("GIVEN no time words, no reference date, or 'may' as a verb THEN has no preference", () => {
    expect(resolveRecency("Who is Dan Gillerman?", "2022-07-08")).toBeUndefined();
    expect(resolveRecency("Who resigned this week?", undefined)).toBeUndefined();
    expect(resolveRecency("What this may mean for Hamas?", "2022-07-08")).toBeUndefined();
  });

  it("GIVEN a date near the window THEN the fit fades instead of dropping to zero", () => {
    const window = { from: "2022-07-01", to: "2022-07-08", reason: "this week" };
    expect(recencyFit("2022-07-05", window)).toBe(1);
    expect(recencyFit("2022-06-27", window)).toBeGreaterThan(0);
    expect(recencyFit("2022-06-27", window)).toBeLessThan(1);
    expect(recencyFit("2021-07-05", window)).toBe(0);
  });
});

describe("retrievePassages and retrieveHybrid", () => {
  const passages = [
    passage("p0", "Putin said he would invite Hamas leaders to Moscow for talks.", { source: "corpus/a.txt", date: "2006-02-10" }),
    passage("p1", "A spokesman for the Russian Foreign Ministry said Russia would adhere to the approach agreed in London.", {
      source: "corpus/a.txt",
      date: "2006-02-10",
    }),
    passage("p2", "Bolsonaro lost his appeal against a 27-year sentence for a coup bid.", { source: "news/b.md", date: "2025-11-14" }),
    passage("p3", "The Foreign Ministry of Brazil said nothing about the appeal.", { source: "news/c.md", date: "2025-11-15" }),
  ];
  const lexicalIndex = buildLexicalIndex(passages.map((p, label) => ({ id: String(label), text: p.text, title: p.title })));
  const searcher: PassageSearcher = {
    async searchDense(_text, k, allow): Promise<Candidate[]> {
      // A plain fake dense channel: every passage at a fixed similarity, in label order.
      return passages
        .map((_, label) => ({ label, score: 0.5 }))
        .filter((c) => !allow || allow(c.label))
        .slice(0, k);
    },
    searchLexical(text, k, allow) {
      return searchLexical(lexicalIndex, text, k, allow ? (id) => allow(Number(id)) : undefined).map((h) => ({
        label: Number(h.id),
        score: h.score,
      }));
    },
    passage: (label) => passages[label],
    idf: (term) => inverseDocumentFrequency(lexicalIndex, term),
  };

  it("GIVEN the example question THEN the Foreign Ministry passage comes first", async () => {
    const ranked = await retrieveHybrid(searcher, { text: "What did Russia's Foreign Ministry say?", k: 3 });
    expect(ranked[0].passage.id).toBe("p1");
    expect(ranked.length).toBeLessThanOrEqual(3);
  });

  it("GIVEN a source filter THEN only passages from matching sources come back", async () => {
    const ranked = await retrieveHybrid(searcher, { text: "Foreign Ministry said", k: 5, filters: { source: "news/**" } });
    expect(ranked.map((r) => r.passage.source).every((s) => s.startsWith("news/"))).toBe(true);
    expect(ranked[0].passage.id).toBe("p3");
  });

  it("GIVEN a date range THEN passages outside it never come back", async () => {
    const ranked = await retrieveHybrid(searcher, { text: "Foreign Ministry appeal", k: 5, filters: { since: "2025-01-01" } });
    expect(ranked.map((r) => r.passage.id).sort()).toEqual(["p2", "p3"]);
  });

  it("GIVEN plain candidate lists THEN retrievePassages returns at most k, best first, from passages it can look up", () => {
    const byId = new Map(passages.map((p) => [p.id, p]));
    const ranked = retrievePassages({
      question: "Bolsonaro appeal",
      lexical: [
        { id: "p2", score: 5 },
        { id: "missing", score: 4 },
        { id: "p3", score: 1 },
      ],
      dense: [],
      getPassage: (id) => byId.get(id),
      idf: flatIdf,
      k: 1,
      settings: DEFAULT_RETRIEVAL,
    });
    expect(ranked.map((r) => r.passage.id)).toEqual(["p2"]);
  });
});
