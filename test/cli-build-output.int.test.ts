import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { indexFolderName } from "../src/cli/cli-io.js";
import { runIndex } from "../src/cli/run-index.js";
import { runQuery } from "../src/cli/run-query.js";
import { createFakeCliIo } from "./support/fake-cli-io.js";

// What a new user sees while and after the index is built: progress on a terminal, where it went, and counts
// that read as sentences.

let root: string;
let env: Record<string, string>;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-cli-build-"));
  await cp(path.resolve("corpus"), path.join(root, "corpus"), { recursive: true });
  env = { CORPUS_DIR: path.join(root, "corpus"), INDEX_DIR: path.join(root, "index"), DATA_DIR: path.join(root, "data"), LOG_LEVEL: "silent" };
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fake terminal: stderr says it is a TTY, as when a person runs the command. */
function terminalIo() {
  const run = createFakeCliIo(env);
  run.io.stderr.isTTY = true;
  return run;
}

describe("the CLI while and after it builds the index", () => {
  it("GIVEN a first ask on a terminal with no index THEN the build's progress shows on stderr, wiped before the answer", async () => {
    const run = terminalIo();
    expect(await runQuery("ask", ["What did Russia's Foreign Ministry say?"], run.io)).toBe(0);
    const stderr = run.stderr();
    expect(stderr).toMatch(/No index .* building it/);
    expect(stderr).toMatch(/\r\x1b\[2K(reading|embedding|writing)/);
    expect(stderr.endsWith("\r\x1b[2K")).toBe(true);
    expect(run.stdout()).toContain("Kamynin");
  });

  it("GIVEN a first ask whose stderr is not a terminal THEN no progress escapes are written (logs stay clean)", async () => {
    const run = createFakeCliIo(env);
    expect(await runQuery("ask", ["What did Russia's Foreign Ministry say?"], run.io)).toBe(0);
    expect(run.stderr()).not.toContain("\x1b[");
  });

  it("GIVEN npm run index THEN the summary says where the index was written, and that it was left unchanged the second time", async () => {
    const first = createFakeCliIo(env);
    expect(await runIndex([], first.io)).toBe(0);
    expect(first.stdout()).toContain(`\nIndex written to ${path.join(root, "index")}\n`);
    const second = createFakeCliIo(env);
    expect(await runIndex([], second.io)).toBe(0);
    expect(second.stdout()).toContain(`\nIndex unchanged in ${path.join(root, "index")}\n`);
  });

  it("GIVEN --corpus DIR with INDEX_DIR set THEN the summary names the folder under DATA_DIR it used and says INDEX_DIR was left alone", async () => {
    const run = createFakeCliIo(env);
    expect(await runIndex(["--corpus", env.CORPUS_DIR], run.io)).toBe(0);
    const used = path.join(root, "data", "indexes", indexFolderName(env.CORPUS_DIR));
    expect(run.stdout()).toContain(`Index written to ${used}\n`);
    expect(run.stderr()).toContain(`INDEX_DIR=${env.INDEX_DIR} is the index of CORPUS_DIR and was left as it is`);
  });

  it('GIVEN a corpus of one file THEN the summary says "1 file", not "1 files"', async () => {
    const run = createFakeCliIo(env);
    expect(await runIndex([], run.io)).toBe(0);
    expect(run.stdout()).toMatch(/^Indexed 1 file, \d+ articles?, \d+ passages? /);
  });
});
