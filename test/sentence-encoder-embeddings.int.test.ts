// The sentence encoder (EMBEDDINGS_PROVIDER=sentence) with the real packaged model: its vectors, its cache, and
// an index built and asked with it over a copy of the starting corpus.
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/base/config.js";
import { createEmbedder } from "../src/app/open-pipeline.js";
import { openNewsdesk, type Newsdesk } from "../src/open-newsdesk.js";
import {
  cutToModelWindow,
  loadPackagedSentenceEncoder,
  SENTENCE_ENCODER_WINDOW_CHARS,
  SentenceEncoderEmbeddings,
  type SentenceModel,
} from "../src/providers/sentence-encoder-embeddings.js";

const STARTING_FILE = "000_c0af5a29d12023ff.txt";

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i], 0);
const norm = (a: number[]) => Math.sqrt(cosine(a, a));

/** The packaged model, with every text it is asked to embed recorded. */
function countingModel(): { texts: string[]; load: () => Promise<SentenceModel> } {
  const texts: string[] = [];
  return {
    texts,
    load: async () => {
      const model = await loadPackagedSentenceEncoder();
      return {
        embed: (batch: string[]) => {
          texts.push(...batch);
          return model.embed(batch);
        },
      };
    },
  };
}

let lines: string[];

beforeAll(async () => {
  lines = (await readFile(path.resolve("corpus", STARTING_FILE), "utf8")).split("\n");
});

describe("SentenceEncoderEmbeddings", () => {
  it("GIVEN texts THEN it returns one 512-dimension unit vector each, the same on a second embedder", async () => {
    const texts = [lines[4], lines[11], "", "Kamynin"];
    const first = await new SentenceEncoderEmbeddings({ loadModel: countingModel().load }).embedDocuments(texts);
    const again = await new SentenceEncoderEmbeddings({ loadModel: countingModel().load }).embedDocuments(texts);
    expect(first).toHaveLength(texts.length);
    for (const vector of first) {
      expect(vector).toHaveLength(512);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    expect(again).toEqual(first);
  });

  it("GIVEN a corpus sentence THEN its paraphrase is nearer to it than an unrelated corpus sentence", async () => {
    const embedder = new SentenceEncoderEmbeddings();
    // Line 5 of the starting corpus, line 16 (the Erez crossing workers), and line 5 in other words.
    const [original, unrelated, paraphrase] = await embedder.embedDocuments([
      lines[4],
      lines[15],
      "The Islamist movement welcomed the proposal the same day.",
    ]);
    expect(cosine(paraphrase, original)).toBeGreaterThan(cosine(paraphrase, unrelated) + 0.1);
  });

  it("GIVEN a text embedded before, in the same call or an earlier one, THEN the model is not asked again", async () => {
    const model = countingModel();
    const embedder = new SentenceEncoderEmbeddings({ loadModel: model.load, batchSize: 2 });
    const [a, b, c] = await embedder.embedDocuments([lines[0], lines[2], lines[0]]);
    expect(model.texts).toHaveLength(2);
    expect(c).toEqual(a);
    expect(await embedder.embedQuery(lines[2])).toEqual(b);
    await embedder.embedDocuments([lines[2], lines[5]]);
    expect(model.texts).toEqual([lines[0], lines[2], lines[5]].map((line) => cutToModelWindow(line)));
  });

  it("GIVEN a passage longer than the model's view THEN only its head, cut at a word, is embedded", async () => {
    const model = countingModel();
    const long = lines.slice(0, 4).join(" ");
    expect(long.length).toBeGreaterThan(SENTENCE_ENCODER_WINDOW_CHARS);
    await new SentenceEncoderEmbeddings({ loadModel: model.load }).embedDocuments([long]);
    const [seen] = model.texts;
    expect(seen.length).toBeLessThanOrEqual(SENTENCE_ENCODER_WINDOW_CHARS);
    expect(long.startsWith(seen)).toBe(true);
    expect(long[seen.length]).toMatch(/\s/);
  });

  it("GIVEN EMBEDDINGS_PROVIDER=sentence THEN the embedder chosen is the sentence encoder, recorded under its id", async () => {
    const choice = await createEmbedder(loadConfig({ EMBEDDINGS_PROVIDER: "sentence" }));
    expect(choice.embedder).toBeInstanceOf(SentenceEncoderEmbeddings);
    expect(choice.id).toBe(new SentenceEncoderEmbeddings().id);
    expect(choice.id).not.toBe((await createEmbedder(loadConfig({}))).id);
  });
});

describe("an index built with EMBEDDINGS_PROVIDER=sentence", () => {
  let root: string;
  let newsdesk: Newsdesk;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-sentence-"));
    await cp(path.resolve("corpus"), path.join(root, "corpus"), { recursive: true });
    newsdesk = await openNewsdesk({
      env: {
        EMBEDDINGS_PROVIDER: "sentence",
        CORPUS_DIR: path.join(root, "corpus"),
        INDEX_DIR: path.join(root, "index"),
        DATA_DIR: path.join(root, "data"),
      },
    });
  });

  afterAll(async () => {
    await newsdesk?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("GIVEN the starting corpus THEN it records the encoder in the manifest and answers from line 12", async () => {
    const current = (await readFile(path.join(root, "index", "CURRENT"), "utf8")).trim();
    const manifest = JSON.parse(await readFile(path.join(root, "index", current, "manifest.json"), "utf8"));
    expect(manifest.embedder).toEqual({ id: new SentenceEncoderEmbeddings().id, dimensions: 512 });
    const answer = await newsdesk.ask("What did Russia's Foreign Ministry say?");
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]).toMatchObject({ source: STARTING_FILE, lines: [12, 12] });
  });
});
