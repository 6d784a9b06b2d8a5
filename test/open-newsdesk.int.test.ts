// Newsdesk as a library: openNewsdesk over a copy of the starting corpus, its retriever in a LangChain chain.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Document } from "@langchain/core/documents";
import { RunnableSequence } from "@langchain/core/runnables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNewsdesk, type Newsdesk, type PassageMetadata } from "../src/open-newsdesk.js";

const STARTING_FILE = "000_c0af5a29d12023ff.txt";
let root: string;
let newsdesk: Newsdesk;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-lib-"));
  await cp(path.resolve("corpus"), path.join(root, "corpus"), { recursive: true });
  newsdesk = await openNewsdesk({
    env: { CORPUS_DIR: path.join(root, "corpus"), INDEX_DIR: path.join(root, "index"), DATA_DIR: path.join(root, "data") },
  });
});

afterAll(async () => {
  await newsdesk?.close();
  await rm(root, { recursive: true, force: true });
});

describe("openNewsdesk", () => {
  it("GIVEN no index THEN it builds one and answers with a citation of line 12", async () => {
    const answer = await newsdesk.ask("What did Russia's Foreign Ministry say?");
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]).toMatchObject({ source: STARTING_FILE, lines: [12, 12] });
  });

  it("GIVEN its retriever in a RunnableSequence THEN the chain gets Documents carrying source, title and loc.lines", async () => {
    const formatSources = (docs: Document<PassageMetadata>[]) =>
      docs.map((doc) => `${doc.metadata.source}:${doc.metadata.loc.lines.from}-${doc.metadata.loc.lines.to} ${doc.pageContent}`).join("\n");
    const chain = RunnableSequence.from([newsdesk.retriever({ k: 3 }), formatSources]);
    const text = await chain.invoke("What did Russia's Foreign Ministry say?");
    expect(text.split("\n")[0]).toMatch(new RegExp(`^${STARTING_FILE}:\\d+-\\d+ `));
    expect(text).toContain("Kamynin");
    const docs = await newsdesk.retriever({ k: 3 }).invoke("What did Russia's Foreign Ministry say?");
    expect(docs).toHaveLength(3);
    const [best] = docs;
    expect(best.metadata).toMatchObject({ source: STARTING_FILE, title: expect.any(String), id: expect.any(String) });
    expect(best.metadata.loc.lines.from).toBeLessThanOrEqual(12);
    expect(best.metadata.loc.lines.to).toBeGreaterThanOrEqual(12);
  });

  it("GIVEN a source filter the corpus lacks THEN the retriever and the vector store find nothing", async () => {
    expect(await newsdesk.retriever({ filters: { source: "elsewhere/**" } }).invoke("Kamynin")).toEqual([]);
    expect(await newsdesk.vectorStore.similaritySearch("Kamynin", 3, { source: "elsewhere/**" })).toEqual([]);
    const [nearest] = await newsdesk.vectorStore.similaritySearch("Kamynin Foreign Ministry spokesman", 1);
    expect(nearest.metadata.source).toBe(STARTING_FILE);
  });

  it('GIVEN the package\'s exports THEN `import "newsdesk"` resolves to the built entry point and its types', async () => {
    const script = `console.log(import.meta.resolve("newsdesk"))`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: path.resolve(".") });
    expect(stdout.trim()).toBe(pathToFileURL(path.resolve("dist/src/open-newsdesk.js")).href);
    const manifest = JSON.parse(await readFile("package.json", "utf8")) as { exports: { ".": { types: string } } };
    expect(manifest.exports["."].types).toBe("./dist/src/open-newsdesk.d.ts");
  });
});
