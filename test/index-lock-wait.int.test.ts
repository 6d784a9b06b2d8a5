// Parallel first uses: an `ask` that finds another process building the missing index waits for that build
// and answers from what it published, instead of failing on the lock.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runQuery } from "../src/cli/run-query.js";
import { createFakeCliIo } from "./support/fake-cli-io.js";
import { startBuild } from "./support/index-processes.js";

let root: string;
let corpusDir: string;
let indexDir: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-lock-"));
  corpusDir = path.join(root, "corpus");
  indexDir = path.join(root, "index");
  await mkdir(corpusDir);
  await writeFile(
    path.join(corpusDir, "moscow.txt"),
    "Moscow\n\nRussia's Foreign Ministry said Moscow would adhere to the approach agreed upon in London.\n",
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("a first ask while another process builds the index", { timeout: 60_000 }, () => {
  it("says it waits, then answers from that build's index once it is published", async () => {
    const env = { CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, LOG_LEVEL: "silent" };
    const other = startBuild({ ...env, BUILD_HOLD_AT: "before-swap" });
    await other.lineStartingWith("held before-swap");
    const { io, stdout, stderr } = createFakeCliIo(env);
    const asking = runQuery("ask", ["--json", "What did Russia's Foreign Ministry say?"], io);
    let ended = false;
    void asking.finally(() => (ended = true));
    while (!ended && !stderr().includes("waiting for it")) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stderr()).toContain(`Another process (${other.pid}) is building the index in ${indexDir}`);
    expect(ended).toBe(false);
    other.child.stdin!.end("go\n");
    expect(await asking, stderr()).toBe(0);
    expect((await other.finished).code).toBe(0);
    expect(JSON.parse(stdout()).citations[0]).toMatchObject({ source: "moscow.txt", lines: [3, 3] });
  });
});
