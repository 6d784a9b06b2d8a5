// A plain Pipeline for the bot's tests: real passages from corpus/, a small word-overlap retriever, and
// extractive answers with real citations. It records every call so tests can check what the bot asked.
import type { ArticleSummary, AskOptions, Pipeline, SearchOptions, SearchResult } from "../../src/core/ports.js";
import { normalizeQuestion } from "../../src/core/pipeline/normalize-question.js";
import type { Citation, Passage, Ranked } from "../../src/core/types.js";

const SOURCE = "000_c0af5a29d12023ff.txt";
const TITLE = "Putin says he may invite Hamas leaders to Moscow";
const DATE = "2006-02-10";

function passage(id: string, line: number, text: string, extra: Partial<Passage> = {}): Passage {
  return {
    id,
    source: SOURCE,
    title: TITLE,
    date: DATE,
    url: "https://news.example/putin-hamas",
    lines: [line, line],
    lineMap: [[line, line]],
    text,
    ...extra,
  };
}

/** Lines 3, 9, 11 and 12 of the test corpus file, verbatim. */
export const FIXTURE_PASSAGES: Passage[] = [
  passage(
    "p-madrid",
    3,
    "Speaking at a joint news conference in Madrid with Prime Minister Jose Luis Rodriguez Zapatero, Putin rejected claims that Russia should join with the EU and the US in declaring Hamas, which won the Palestinian parliamentary elections on Jan. 25, a terrorist organization.",
  ),
  passage(
    "p-livni",
    9,
    'In New York, Israeli Foreign Minister Tzipi Livni, warned that any weakness in dealing with Hamas would "legitimize terror," according to the Israeli ambassador to the UN, Dan Gillerman.',
  ),
  passage(
    "p-state",
    11,
    "A senior State Department official said that the administration was surprised and irritated by Putin's remarks, but that Russia had assured the US that there would not be any senior-level contacts with Hamas. Asked about Putin's statement, the official said, \"Frankly, it doesn't help.\"",
  ),
  passage(
    "p-ministry",
    12,
    'A spokesman for the Russian Foreign Ministry, Mikhail Kamynin, said Russia would adhere to the approach agreed upon in London. Later on Thursday, Russia\'s special Middle East envoy, Aleksandr Kalugin, said Moscow hoped to bring Hamas "up to international requirements" and draw it into dialogue with Israel.',
  ),
];

const STOPWORDS = new Set(
  "a an and are as at be but by did do does for from had has have he her his how in is it its more me of on or said say says she tell that the their them they this to was were what when where which who why will with would about also".split(
    " ",
  ),
);

export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w) && w.length > 1);
}

function rank(question: string, passages: Passage[]): Ranked[] {
  const wanted = new Set(contentWords(question));
  return passages
    .map((p) => {
      const words = new Set(contentWords(p.text));
      let overlap = 0;
      for (const w of wanted) if (words.has(w)) overlap++;
      return { passage: p, score: wanted.size ? overlap / wanted.size : 0 };
    })
    .sort((a, b) => b.score - a.score);
}

/** The first sentence of a passage (quotes are verbatim slices of the passage). */
function firstSentence(text: string): string {
  const match = /^.*?[.!?]["”]?(?=\s|$)/s.exec(text);
  return match ? match[0] : text;
}

export interface FakePipeline extends Pipeline {
  asks: Array<{ question: string; options: AskOptions | undefined }>;
  searches: Array<{ query: string; options: SearchOptions | undefined }>;
  /** When set, ask() and search() reject with this error. */
  failWith: Error | undefined;
  /** Articles listed by /sources: the fixture article plus numbered fillers. */
  articles: ArticleSummary[];
}

export function createFakePipeline(options: { fillerArticles?: number; passages?: Passage[] } = {}): FakePipeline {
  const passages = options.passages ?? FIXTURE_PASSAGES;
  const fillers = Array.from({ length: options.fillerArticles ?? 22 }, (_, i) => ({
    source: `filler/article-${String(i + 1).padStart(2, "0")}.md`,
    title: `Filler article ${i + 1}`,
    date: `2006-03-${String((i % 28) + 1).padStart(2, "0")}`,
    passages: 1 + (i % 3),
  }));
  const fake: FakePipeline = {
    asks: [],
    searches: [],
    failWith: undefined,
    articles: [{ source: SOURCE, title: TITLE, url: "https://news.example/putin-hamas", date: DATE, passages: passages.length }, ...fillers],

    async ask(rawQuestion, askOptions) {
      fake.asks.push({ question: rawQuestion, options: askOptions });
      if (fake.failWith) throw fake.failWith;
      // The same gate as the real pipeline: a question over 1,000 characters is refused.
      const question = normalizeQuestion(rawQuestion);
      const ranked = rank(question, passages);
      const hits = ranked.filter((r) => r.score >= 0.34).slice(0, 2);
      if (hits.length === 0) {
        return {
          question,
          text: "The articles I have do not say.",
          abstained: true,
          citations: [],
          nearest: ranked.slice(0, 2),
          timings_ms: { retrieve: 1, answer: 0, total: 1 },
        };
      }
      const citations: Citation[] = hits.map(({ passage: p, score }, i) => ({
        n: i + 1,
        source: p.source,
        title: p.title,
        ...(p.url ? { url: p.url } : {}),
        ...(p.date ? { date: p.date } : {}),
        lines: p.lines,
        quote: firstSentence(p.text),
        score,
        passageId: p.id,
      }));
      const text = citations.map((c) => `${c.quote} [${c.n}]`).join(" ");
      return { question, text, abstained: false, citations, nearest: [], timings_ms: { retrieve: 1, answer: 1, total: 2 } };
    },

    async search(rawQuery, searchOptions) {
      fake.searches.push({ query: rawQuery, options: searchOptions });
      if (fake.failWith) throw fake.failWith;
      const query = normalizeQuestion(rawQuery);
      const results = rank(query, passages)
        .filter((r) => r.score > 0)
        .slice(0, searchOptions?.k ?? 5);
      return { query, results, timings_ms: { retrieve: 1 } } satisfies SearchResult;
    },

    listArticles(filter) {
      const f = filter?.toLowerCase();
      return f ? fake.articles.filter((a) => a.title.toLowerCase().includes(f) || a.source.toLowerCase().includes(f)) : fake.articles;
    },

    getPassage(id) {
      return passages.find((p) => p.id === id);
    },
  };
  return fake;
}
