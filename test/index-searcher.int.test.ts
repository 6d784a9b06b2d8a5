import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConfiguredIndex } from "../src/app/open-pipeline.js";
import { loadConfig, type Config } from "../src/base/config.js";
import { createIndexSearcher } from "../src/index/create-index-searcher.js";
import { openIndexGeneration, type LoadedIndex } from "../src/index/load-index.js";
import { LocalHashEmbeddings } from "../src/providers/local-embeddings.js";

const ARTICLES: Record<string, string> = {
  "volcano.txt": "Volcano erupts near Naples\n\nA volcano erupted near Naples on Monday, covering villages in ash.\n",
  "harvest.txt": "Olive harvest\n\nFarmers in Seville said the olive harvest was the smallest in a decade.\n",
  "markets.txt": "Markets fall\n\nStock markets fell sharply in Tokyo after the central bank raised rates.\n",
  "election.txt": "Election in Brazil\n\nLula won the run-off in Brazil with 60.3 million votes.\n",
};

let root: string;
let config: Config;
const embedder = new LocalHashEmbeddings();

const opened: LoadedIndex[] = [];
const open = async (): Promise<LoadedIndex> => {
  const loaded = (await openIndexGeneration(config.INDEX_DIR, { expectedEmbedderId: embedder.id }))!;
  opened.push(loaded);
  return loaded;
};

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-searcher-"));
  const corpus = path.join(root, "corpus");
  await mkdir(corpus);
  for (const [name, text] of Object.entries(ARTICLES)) await writeFile(path.join(corpus, name), text);
  config = loadConfig({ CORPUS_DIR: corpus, INDEX_DIR: path.join(root, "index"), LOG_LEVEL: "silent" });
  await buildConfiguredIndex(config);
  // A changed article: its old passage stays in the HNSW graph, marked deleted.
  await writeFile(path.join(corpus, "volcano.txt"), "Volcano quiet again\n\nThe volcano near Naples has been quiet since the weekend.\n");
  await buildConfiguredIndex(config);
});

afterAll(async () => {
  for (const loaded of opened) await loaded.close();
  await rm(root, { recursive: true, force: true });
});

describe("dense search over an index with replaced passages", () => {
  it("GIVEN passages replaced by a re-index THEN dense search returns every live passage and never a replaced one", async () => {
    const loaded = await open();
    expect(loaded.graph.getIdsList().length).toBeGreaterThan(loaded.passages.size);
    const searcher = createIndexSearcher(loaded, embedder);
    const hits = await searcher.searchDense("volcano erupted near Naples ash", 10);
    expect(hits.map((h) => h.label).sort()).toEqual([...loaded.passages.labels].sort());
    expect(hits.map((h) => searcher.passage(h.label).text).join(" ")).not.toContain("covering villages in ash");
  });

  it("GIVEN a graph label the docstore does not have THEN dense search skips it rather than return a missing passage", async () => {
    const loaded = await open();
    const orphan = loaded.passages.labels.find((label) => loaded.passages.passage(label).source === "harvest.txt")!;
    // The passage store of an index whose graph kept a label the store lost.
    const passages = { ...loaded.passages, size: loaded.passages.size - 1, has: (label: number) => label !== orphan && loaded.passages.has(label) };
    const searcher = createIndexSearcher({ ...loaded, passages }, embedder);
    const hits = await searcher.searchDense("olive harvest Seville farmers", 10);
    expect(hits.map((h) => h.label)).not.toContain(orphan);
    expect(hits).toHaveLength(passages.size);
    expect(hits.every((h) => searcher.passage(h.label) !== undefined)).toBe(true);
  });

  it("GIVEN an allow filter THEN dense search returns only the passages it allows", async () => {
    const loaded = await open();
    const searcher = createIndexSearcher(loaded, embedder);
    const allowed = (label: number) => searcher.passage(label).source !== "markets.txt";
    const hits = await searcher.searchDense("stock markets Tokyo", 10, allowed);
    expect(hits.length).toBe(loaded.passages.size - 1);
    expect(hits.every((h) => allowed(h.label))).toBe(true);
  });
});
