// Benchmark corpora of a chosen number of passages, made from the news-eval dataset. Originals are copied as
// they are (so qa-dev's gold sources keep their paths); past the dataset's size, "editions" of its articles
// follow, in which every paragraph gains one sentence drawn from elsewhere in the dataset: each passage's
// text stays distinct (the index would merge exact duplicates) and its vector moves by a sentence's worth of
// words, while lengths and vocabulary keep the statistics of real news.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { chunkArticle } from "../core/ingest/chunk-article.js";
import { PersonFacingError } from "../core/person-facing-error.js";
import { splitSentences } from "../core/text/split-sentences.js";
import type { Article } from "../core/types.js";
import { parseCorpusFile } from "../corpus/parse-corpus-file.js";

/** The dataset's article folders, in the order they join a corpus. */
export const DATASET_FOLDERS = ["articles", "bbc", "pages"] as const;
export const QA_FILE = "qa-dev.jsonl";
const EDITIONS_FOLDER = "editions";

export interface QaItem {
  id: string;
  question: string;
  /** Sources (relative to the dataset folder) of the articles that answer it. */
  gold: string[];
  date?: string;
}

export interface BenchCorpus {
  dir: string;
  files: number;
  articles: number;
  /** Passages the index's chunker makes of these files (occurrences; exact duplicates included). */
  passages: number;
  originalFiles: number;
  editionFiles: number;
  bytes: number;
  /** Titles and sentences of the corpus's own articles, interleaved, for use as search queries. */
  sampleQueries: string[];
  /** A source (relative to `dir`) to modify for the one-file-change re-index, and its passage count. */
  probeSource: string;
  probePassages: number;
}

export class DatasetMissingError extends PersonFacingError {
  override name = "DatasetMissingError";
}

/** "editions/2/bbc/x.txt.txt" → "bbc/x.txt"; an original's source is its own origin. */
export function originalSourceOf(source: string): string {
  const match = /^editions\/\d+\/(.+)\.txt$/.exec(source);
  return match ? match[1] : source;
}

export async function loadQaDev(datasetDir: string): Promise<QaItem[]> {
  const text = await readFile(path.join(datasetDir, QA_FILE), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { id: string; question: string; gold: Array<{ source: string }>; date?: string })
    .map((row) => ({ id: row.id, question: row.question, gold: row.gold.map((g) => g.source), date: row.date }));
}

/** Dataset article files in corpus order: qa-dev's gold articles first, then each folder sorted by name. */
export async function listDatasetArticles(datasetDir: string, qa: QaItem[]): Promise<string[]> {
  const listed: string[] = [];
  for (const folder of DATASET_FOLDERS) {
    const names = await readdir(path.join(datasetDir, folder)).catch(() => [] as string[]);
    listed.push(...names.sort().map((name) => `${folder}/${name}`));
  }
  if (listed.length === 0) {
    throw new DatasetMissingError(`No news-eval articles in ${datasetDir} (expected ${DATASET_FOLDERS.join(", ")}/).`);
  }
  const available = new Set(listed);
  const gold = [...new Set(qa.flatMap((item) => item.gold))].filter((source) => available.has(source));
  const goldSet = new Set(gold);
  return [...gold, ...listed.filter((source) => !goldSet.has(source))];
}

/** mulberry32: a small seeded generator, so every run builds the same corpus. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentencesOf(body: string): string[] {
  return splitSentences(body).map((span) => body.slice(span.start, span.end).trim());
}

/** The text of an edition of an article: a title line, then each paragraph with one donor sentence added. */
export function writeEdition(article: Article, edition: number, donors: readonly string[], seed: number): string {
  const random = seededRandom(seed);
  const body = article.body
    .split("\n")
    .map((line) => (line.trim() === "" || donors.length === 0 ? line : `${line} ${donors[Math.floor(random() * donors.length)]}`));
  return `${article.title} (edition ${edition})\n\n${body.join("\n")}\n`;
}

function countPassages(articles: Article[]): number {
  return articles.reduce((n, article) => n + chunkArticle(article).length, 0);
}

const MAX_SAMPLES = 4000;
const isUsableQuery = (text: string) => text.length >= 20 && text.length <= 300 && text.split(/\s+/).length >= 4;

/**
 * Writes about `targetPassages` passages of news into `dir` (stopping after the article that reaches the
 * target) and says exactly how many the chunker makes of them.
 */
export async function makeBenchCorpus(options: { datasetDir: string; dir: string; targetPassages: number }): Promise<BenchCorpus> {
  const qa = await loadQaDev(options.datasetDir);
  const sources = await listDatasetArticles(options.datasetDir, qa);
  await mkdir(options.dir, { recursive: true });
  const corpus: BenchCorpus = {
    dir: options.dir,
    files: 0,
    articles: 0,
    passages: 0,
    originalFiles: 0,
    editionFiles: 0,
    bytes: 0,
    sampleQueries: [],
    probeSource: "",
    probePassages: 0,
  };
  const titles: string[] = [];
  const sentences: string[] = [];
  const originals: Article[] = [];
  const write = async (source: string, bytes: Uint8Array, articles: Article[]) => {
    const file = path.join(options.dir, source);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    corpus.files++;
    corpus.bytes += bytes.length;
    corpus.articles += articles.length;
    corpus.passages += countPassages(articles);
  };

  for (const source of sources) {
    if (corpus.passages >= options.targetPassages) break;
    const bytes = new Uint8Array(await readFile(path.join(options.datasetDir, source)));
    const { articles } = parseCorpusFile(source, bytes);
    if (articles.length === 0) continue;
    await write(source, bytes, articles);
    corpus.originalFiles++;
    if (!corpus.probeSource) {
      corpus.probeSource = source;
      corpus.probePassages = countPassages(articles);
    }
    originals.push(...articles);
    for (const article of articles) {
      if (titles.length < MAX_SAMPLES && isUsableQuery(article.title)) titles.push(article.title);
      const sentence = sentencesOf(article.body).find((s, i) => i >= 2 && isUsableQuery(s));
      if (sentence && sentences.length < MAX_SAMPLES) sentences.push(sentence);
    }
  }

  if (corpus.passages < options.targetPassages) {
    const donors = originals.flatMap((article) => sentencesOf(article.body).filter((s) => s.length >= 40 && s.length <= 240 && !s.includes("\n")));
    const encoder = new TextEncoder();
    for (let edition = 1; corpus.passages < options.targetPassages; edition++) {
      for (const [i, article] of originals.entries()) {
        if (corpus.passages >= options.targetPassages) break;
        const source = `${EDITIONS_FOLDER}/${edition}/${article.source}.txt`;
        const text = writeEdition(article, edition, donors, edition * 1_000_003 + i);
        const bytes = encoder.encode(text);
        await write(source, bytes, parseCorpusFile(source, bytes).articles);
        corpus.editionFiles++;
      }
    }
  }

  for (let i = 0; i < Math.max(titles.length, sentences.length); i++) {
    if (titles[i]) corpus.sampleQueries.push(titles[i]);
    if (sentences[i]) corpus.sampleQueries.push(sentences[i]);
  }
  return corpus;
}

/** qa-dev questions first, then the corpus's titles and sentences, `count` in all (repeating if short). */
export function chooseQueries(qa: QaItem[], corpus: Pick<BenchCorpus, "sampleQueries">, count: number): string[] {
  const pool = [...qa.map((item) => item.question), ...corpus.sampleQueries];
  if (pool.length === 0) return [];
  return Array.from({ length: count }, (_, i) => pool[i % pool.length]);
}
