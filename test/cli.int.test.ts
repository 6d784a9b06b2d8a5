import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runIndex } from "../src/cli/run-index.js";
import { runQuery } from "../src/cli/run-query.js";
import { createFakeCliIo } from "./support/fake-cli-io.js";

let root: string;
let env: Record<string, string>;

const fakeIo = (stdinLines?: string[]) => createFakeCliIo(env, stdinLines);

const STARTING_FILE = "000_c0af5a29d12023ff.txt";

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-cli-"));
  await cp(path.resolve("corpus"), path.join(root, "corpus"), { recursive: true });
  env = { CORPUS_DIR: path.join(root, "corpus"), INDEX_DIR: path.join(root, "index"), DATA_DIR: path.join(root, "data"), LOG_LEVEL: "silent" };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("npm run ask (end to end on the starting corpus)", () => {
  it("GIVEN no index THEN it builds one, says so on stderr, and answers the example with line 12 quoted verbatim", async () => {
    const run = fakeIo();
    const code = await runQuery("ask", ["--json", "What did Russia's Foreign Ministry say?"], run.io);
    expect(code).toBe(0);
    expect(run.stderr()).toMatch(/No index .* building it/);
    const result = JSON.parse(run.stdout());
    expect(Object.keys(result).sort()).toEqual(
      ["abstained", "answer", "citations", "fallback", "model", "nearest", "question", "standalone", "timings_ms"].sort(),
    );
    expect(result.abstained).toBe(false);
    expect(result.answer).toMatch(/\[1\]/);
    const first = result.citations[0];
    expect(first).toMatchObject({ n: 1, source: STARTING_FILE, lines: [12, 12], url: null, date: null });
    expect(first.quote).toContain("Kamynin");
    const fileLines = (await readFile(path.join(root, "corpus", STARTING_FILE), "utf8")).split("\n");
    for (const c of result.citations) {
      const cited = fileLines
        .slice(c.lines[0] - 1, c.lines[1])
        .join(" ")
        .replace(/\s+/g, " ");
      expect(cited).toContain(c.quote.replace(/\s+/g, " "));
    }
    expect(result.timings_ms).toEqual({ retrieve: expect.any(Number), answer: expect.any(Number), total: expect.any(Number) });
    expect(result).toMatchObject({ model: null, fallback: null });
  });

  it("GIVEN a question on the Bolsonaro story (line 21, after a story that stops mid-sentence) THEN it quotes only that story", async () => {
    const run = fakeIo();
    expect(await runQuery("ask", ["--json", "What sentence did Bolsonaro get?"], run.io)).toBe(0);
    const result = JSON.parse(run.stdout());
    expect(result.abstained).toBe(false);
    expect(result.citations[0].quote).toContain("sentenced to 27 years");
    for (const c of result.citations) {
      expect(c.lines[0]).toBe(c.lines[1]);
      expect(c.quote).not.toContain("US President Donald");
    }
    expect(result.answer).not.toContain("US President Donald");
  });

  it('GIVEN sources no article matches THEN it says so, naming the filter, instead of "The articles don\'t say"', async () => {
    const run = fakeIo();
    expect(await runQuery("ask", ["--json", "--source", "bbc/**", "What did Russia's Foreign Ministry say?"], run.io)).toBe(0);
    const result = JSON.parse(run.stdout());
    expect(result).toMatchObject({ abstained: true, citations: [], answer: expect.stringMatching(/^No article matches sources: bbc\/\*\*\./) });
  });

  it("GIVEN an impossible date or a range that ends before it starts THEN ask refuses it as eval does", async () => {
    for (const args of [
      ["--since", "2020-02-31"],
      ["--since", "2024-05-01", "--until", "2024-01-01"],
    ]) {
      const run = fakeIo();
      expect(await runQuery("ask", [...args, "What did Russia's Foreign Ministry say?"], run.io)).not.toBe(0);
      expect(run.stderr()).toMatch(/--since (must be a real date|2024-05-01 is after --until)/);
      expect(run.stdout()).toBe("");
    }
  });

  it("GIVEN the text output THEN it shows the answer and the numbered source with its lines", async () => {
    const run = fakeIo();
    expect(await runQuery("ask", ["What did Russia's Foreign Ministry say?"], run.io)).toBe(0);
    expect(run.stdout()).toContain(`[1]`);
    expect(run.stdout()).toContain(`(${STARTING_FILE}:12)`);
  });

  it("GIVEN a question the corpus cannot answer THEN it abstains with nearest sources", async () => {
    const run = fakeIo();
    await runQuery("ask", ["--json", "What did the Japanese prime minister say about the Olympics?"], run.io);
    const result = JSON.parse(run.stdout());
    expect(result.abstained).toBe(true);
    expect(result.citations).toEqual([]);
    expect(result.nearest.length).toBeGreaterThan(0);
  });

  it("GIVEN search --json THEN results carry verbatim text from their lines", async () => {
    const run = fakeIo();
    expect(await runQuery("search", ["--json", "--k", "3", "Kamynin London"], run.io)).toBe(0);
    const result = JSON.parse(run.stdout());
    expect(result.query).toBe("Kamynin London");
    expect(result.results).toHaveLength(3);
    const fileLines = (await readFile(path.join(root, "corpus", STARTING_FILE), "utf8")).split("\n");
    for (const r of result.results) {
      expect(fileLines.slice(r.lines[0] - 1, r.lines[1]).join("\n")).toContain(r.text);
      expect(Object.keys(r).sort()).toEqual(["date", "lines", "score", "source", "text", "title", "url"]);
    }
  });

  it("GIVEN questions piped on stdin, one line blank THEN it prints one JSON object per input line, in order, an error for the blank", async () => {
    const run = fakeIo(["What did Russia's Foreign Ministry say?", "", "Who is Dan Gillerman?"]);
    expect(await runQuery("ask", [], run.io)).toBe(1);
    const lines = run
      .stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.question)).toEqual(["What did Russia's Foreign Ministry say?", "", "Who is Dan Gillerman?"]);
    expect(lines[1].error).toMatch(/empty/);
    expect(lines[2].abstained).toBe(false);
  });

  it("GIVEN piped questions with --conversation THEN each line follows up on the earlier ones, as in a Discord thread", async () => {
    const lines = ["What did Russia's Foreign Ministry say?", "and what did Israel say?"];
    const alone = fakeIo(lines);
    expect(await runQuery("ask", [], alone.io)).toBe(0);
    expect(
      alone
        .stdout()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).standalone),
    ).toEqual([null, null]);
    const talk = fakeIo(lines);
    expect(await runQuery("ask", ["--conversation"], talk.io)).toBe(0);
    const [first, second] = talk
      .stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(first.standalone).toBeNull();
    expect(second).toMatchObject({
      question: "and what did Israel say?",
      standalone: "and what did Israel say? (following up on: What did Russia's Foreign Ministry say?)",
    });
    const search = fakeIo(lines);
    expect(await runQuery("search", ["--conversation"], search.io)).toBe(2);
    expect(search.stderr()).toContain("--conversation is for npm run ask");
  });

  it("GIVEN an empty or over-long question THEN it is refused with a clear message and a non-zero exit", async () => {
    const empty = fakeIo();
    expect(await runQuery("ask", ["   "], empty.io)).not.toBe(0);
    expect(empty.stderr()).toMatch(/empty/);
    const long = fakeIo();
    expect(await runQuery("ask", ["why ".repeat(300)], long.io)).not.toBe(0);
    expect(long.stderr()).toMatch(/limit is 1000/);
    expect(long.stderr()).not.toMatch(/at .*\.ts:\d+/);
  });

  it("GIVEN the corpus changed after indexing THEN ask warns on stderr and still answers", async () => {
    await writeFile(path.join(root, "corpus", "later.txt"), "A later story about tides in Brittany.\n");
    const run = fakeIo();
    expect(await runQuery("ask", ["What did Russia's Foreign Ministry say?"], run.io)).toBe(0);
    expect(run.stderr()).toMatch(/changed since the index was built/);
    expect(run.stdout()).toContain("Kamynin");
  });

  it('GIVEN an INDEX_DIR that cannot be created THEN index says which folder and what to do, not "Unexpected error"', async () => {
    const blocker = path.join(root, "not-a-folder");
    await writeFile(blocker, "a file where a folder should be\n");
    const run = createFakeCliIo({ ...env, INDEX_DIR: path.join(blocker, "index") });
    expect(await runIndex([], run.io)).toBe(1);
    expect(run.stderr()).toContain(`Cannot write the index folder ${path.join(blocker, "index")}`);
    expect(run.stderr()).toContain("Set INDEX_DIR");
    expect(run.stderr()).not.toContain("Unexpected error");
  });

  it('GIVEN a CORPUS_DIR that does not exist THEN index names it and says what to set, not "Unexpected error"', async () => {
    const run = createFakeCliIo({ ...env, CORPUS_DIR: path.join(root, "no-such-corpus"), INDEX_DIR: path.join(root, "index-nocorpus") });
    expect(await runIndex([], run.io)).toBe(1);
    expect(run.stderr()).toMatch(/no-such-corpus.*CORPUS_DIR/);
    expect(run.stderr()).not.toContain("Unexpected error");
  });

  it("GIVEN npm run index --json THEN the summary follows the contract and a second run embeds nothing", async () => {
    const first = fakeIo();
    expect(await runIndex(["--json"], first.io)).toBe(0);
    const summary = JSON.parse(first.stdout());
    expect(Object.keys(summary).sort()).toEqual(["articles", "chunks", "embedded", "files", "removed", "reused", "seconds", "skipped"]);
    expect(summary.files).toBe(2);
    const second = fakeIo();
    await runIndex(["--json"], second.io);
    expect(JSON.parse(second.stdout()).embedded).toBe(0);
  });
});
