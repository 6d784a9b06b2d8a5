// An accented name saved decomposed (NFD, as macOS and some feeds write it) and asked composed (NFC), or the
// other way round: both sides are composed before they are compared.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runQuery } from "../src/cli/run-query.js";
import { createFakeCliIo } from "./support/fake-cli-io.js";

let root: string;
let env: Record<string, string>;
const ARTICLE = "Mayor José Nuñez said the new bridge over the river will open in March.\nTraffic will be diverted until then.\n";

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-nfc-"));
  await mkdir(path.join(root, "corpus"));
  await writeFile(path.join(root, "corpus", "bridge.txt"), ARTICLE.normalize("NFD"));
  await writeFile(path.join(root, "corpus", "other.txt"), "The orchestra played a concert of new works in the old hall on Sunday.\n");
  env = { CORPUS_DIR: path.join(root, "corpus"), INDEX_DIR: path.join(root, "index"), DATA_DIR: path.join(root, "data"), LOG_LEVEL: "silent" };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("Unicode normalization", () => {
  for (const form of ["NFC", "NFD"] as const) {
    it(`GIVEN an NFD article and the question in ${form} THEN it answers from the article, quoting the name composed`, async () => {
      const run = createFakeCliIo(env);
      expect(await runQuery("ask", ["--json", "What did José Nuñez say?".normalize(form)], run.io)).toBe(0);
      const result = JSON.parse(run.stdout());
      expect(result.abstained).toBe(false);
      expect(result.citations[0]).toMatchObject({ source: "bridge.txt", lines: [1, 1] });
      expect(result.citations[0].quote).toContain("José Nuñez".normalize("NFC"));
    });
  }
});
