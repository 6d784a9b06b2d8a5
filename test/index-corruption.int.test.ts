import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runIndex } from "../src/cli/run-index.js";
import { runQuery } from "../src/cli/run-query.js";
import { CURRENT_FILE } from "../src/index/index-layout.js";
import { ASK_SCRIPT, REPO_ROOT, STACK_LINE, startTypeScript } from "./support/index-processes.js";
import { createFakeCliIo } from "./support/fake-cli-io.js";

// Each file of a served index truncated, overwritten with garbage of the same size, or changed by one byte:
// `npm run ask` names the file and the command that repairs it, without a stack trace, and that command
// does repair it. One changed neighbour id in hnswlib.index crashes hnswlib-node itself, so that case runs
// the real CLI in a child process.

const STARTING_FILE = "000_c0af5a29d12023ff.txt";
const QUESTION = "What did Russia's Foreign Ministry say?";
const REPAIR = "npm run index -- --rebuild";
const INDEX_FILES = ["hnswlib.index", "hnswlib-1.index", "passages.bin", "args.json", "lexical.bin", "manifest.json", CURRENT_FILE];

let root: string;
let corpusDir: string;
let pristine: string;

function envFor(indexDir: string, corpus = corpusDir): Record<string, string> {
  return { CORPUS_DIR: corpus, INDEX_DIR: indexDir, DATA_DIR: path.join(root, "data"), LOG_LEVEL: "silent" };
}

const fakeIo = (env: Record<string, string>) => createFakeCliIo(env);

async function ask(env: Record<string, string>) {
  const run = fakeIo(env);
  const code = await runQuery("ask", ["--json", QUESTION], run.io);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Where `name` lives in an index folder: CURRENT at the top, the rest in the generation it names. */
async function fileIn(indexDir: string, name: string): Promise<string> {
  if (name === CURRENT_FILE) return path.join(indexDir, CURRENT_FILE);
  const generation = (await readFile(path.join(indexDir, CURRENT_FILE), "utf8")).trim();
  return path.join(indexDir, generation, name);
}

/** Deterministic bytes that are not the file's: a sha256 chain seeded by the file name. */
function garbage(length: number, seed: string): Buffer {
  const out = Buffer.alloc(length);
  let block = createHash("sha256").update(seed).digest();
  for (let i = 0; i < length; i += block.length) {
    block.copy(out, i);
    block = createHash("sha256").update(block).digest();
  }
  return out;
}

const DAMAGES: Record<string, (bytes: Buffer, name: string) => Buffer> = {
  truncated: (bytes) => bytes.subarray(0, Math.floor(bytes.length / 2)),
  "overwritten with garbage of the same size": (bytes, name) => garbage(bytes.length, name),
  "changed by one byte": (bytes) => {
    const changed = Buffer.from(bytes);
    changed[Math.floor(changed.length / 2)] ^= 0x01;
    return changed;
  },
};

let copies = 0;
async function damagedCopy(name: string, damage: (bytes: Buffer, name: string) => Buffer): Promise<string> {
  const indexDir = path.join(root, `index-${++copies}`);
  await cp(pristine, indexDir, { recursive: true });
  const file = await fileIn(indexDir, name);
  await writeFile(file, damage(await readFile(file), name));
  return indexDir;
}

/**
 * Sets every level-0 neighbour id in hnswlib.index to 0x7fffffff, keeping the size: what one bad sector or
 * bit flip in the graph does. Layout (hnswlib 0.8): a 96-byte header with cur_element_count at 16 and
 * size_data_per_element at 24, then per element its neighbour count (4 bytes) and neighbour ids (4 each).
 */
function pointNeighboursNowhere(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  const count = Number(out.readBigUInt64LE(16));
  const perElement = Number(out.readBigUInt64LE(24));
  for (let i = 0; i < count; i++) {
    const base = 96 + i * perElement;
    const neighbours = out.readUInt16LE(base);
    for (let n = 0; n < neighbours; n++) out.writeUInt32LE(0x7fffffff, base + 4 + 4 * n);
  }
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-corrupt-"));
  corpusDir = path.join(root, "corpus");
  await cp(path.join(REPO_ROOT, "corpus"), corpusDir, { recursive: true });
  pristine = path.join(root, "pristine");
  const build = fakeIo(envFor(pristine));
  expect(await runIndex([], build.io), build.stderr()).toBe(0);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("a damaged index file", () => {
  const cases = INDEX_FILES.flatMap((name) => Object.keys(DAMAGES).map((damage) => ({ name, damage })));

  it.for(cases)("GIVEN $name $damage THEN ask names it and the command to run, which repairs it", async ({ name, damage }) => {
    const env = envFor(await damagedCopy(name, DAMAGES[damage]));

    const broken = await ask(env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe("");
    expect(broken.stderr).toContain(name);
    expect(broken.stderr).toContain(REPAIR);
    expect(broken.stderr).not.toMatch(STACK_LINE);
    expect(broken.stderr).not.toMatch(/Unexpected error/);

    const repair = fakeIo(env);
    expect(await runIndex(["--rebuild"], repair.io), repair.stderr()).toBe(0);
    const repaired = await ask(env);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(JSON.parse(repaired.stdout).citations[0]).toMatchObject({ source: STARTING_FILE, lines: [12, 12] });
  });

  it("GIVEN hnswlib.index with neighbour ids that crash hnswlib-node THEN npm run ask exits 1 with the file and the command, no stack", {
    timeout: 90_000,
  }, async () => {
    const indexDir = await damagedCopy("hnswlib.index", pointNeighboursNowhere);
    const hnswFile = await fileIn(indexDir, "hnswlib.index");

    // The hazard itself: hnswlib-node reads the file, then the first search kills the process.
    const raw = await searchWithHnswlibDirectly(hnswFile);
    expect(raw.code === 0 && raw.signal === null, `hnswlib-node survived: ${raw.output}`).toBe(false);

    const run = startTypeScript(ASK_SCRIPT, ["--json", QUESTION], envFor(indexDir));
    const result = await run.finished;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(hnswFile);
    expect(result.stderr).toContain(REPAIR);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });
});

/** Loads an hnswlib.index with hnswlib-node alone (no manifest checks) and searches it, in a child process. */
function searchWithHnswlibDirectly(file: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const script = `
    import hnswlib from "hnswlib-node";
    const index = new hnswlib.HierarchicalNSW("cosine", 512);
    await index.readIndex(process.argv[1]);
    const query = Array.from({ length: 512 }, (_, i) => (i % 7) / 7);
    console.log(JSON.stringify(index.searchKnn(query, 3)));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, file], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "" },
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, output }));
  });
}

describe("npm run index -- --strict", () => {
  it("GIVEN a corpus with a bad file THEN --strict exits 1 and lists the skip, every run, and without it the build succeeds", async () => {
    const mixed = path.join(root, "corpus-with-bad-file");
    await cp(corpusDir, mixed, { recursive: true });
    await writeFile(path.join(mixed, "binary.txt"), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
    const env = envFor(path.join(root, "index-strict"), mixed);

    const strict = fakeIo(env);
    expect(await runIndex(["--strict"], strict.io)).toBe(1);
    expect(strict.stdout()).toMatch(/1 skipped/);
    expect(strict.stdout()).toMatch(/skipped binary\.txt: binary file/);

    const lenient = fakeIo(env);
    expect(await runIndex([], lenient.io)).toBe(0);
    expect(lenient.stdout()).toMatch(/skipped binary\.txt/);
    // The good file was indexed either way.
    expect((await ask(env)).code).toBe(0);

    // Nothing changed, so nothing is parsed again: the skip still counts.
    const again = fakeIo(env);
    expect(await runIndex(["--strict"], again.io)).toBe(1);
    expect(again.stdout()).toMatch(/Index up to date.*1 skipped.*\n\s+skipped binary\.txt: binary file/s);
  });
});
