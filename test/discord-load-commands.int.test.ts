import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS_DIR, findCommandProblem, loadCommands } from "../src/discord/load-commands.js";
import { captureLog } from "./support/capture-log.js";

const GOOD = `export default { data: { name: "%NAME%", toJSON() { return { name: "%NAME%", description: "d" }; } }, async execute() {} };`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "newsdesk-commands-"));
  await writeFile(join(dir, "good.js"), GOOD.replaceAll("%NAME%", "good"));
  await writeFile(join(dir, "also-good.mjs"), GOOD.replaceAll("%NAME%", "also-good"));
  await writeFile(join(dir, "zz-duplicate.js"), GOOD.replaceAll("%NAME%", "good"));
  await writeFile(join(dir, "no-default.js"), `export const data = {};`);
  await writeFile(join(dir, "no-execute.js"), `export default { data: { name: "x", toJSON() { return {}; } } };`);
  await writeFile(join(dir, "plain-data.js"), `export default { data: { name: "plain" }, async execute() {} };`);
  await writeFile(join(dir, "throws.js"), `throw new Error("broken on import");`);
  await writeFile(join(dir, "syntax.js"), `export default {{;`);
  await writeFile(join(dir, "notes.txt"), `not a module`);
  await writeFile(join(dir, "types.d.ts"), `export {};`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadCommands", () => {
  it("GIVEN a folder with good and bad modules THEN loads the good ones and warns about each bad one by file", async () => {
    const { log, lines } = captureLog();
    const commands = await loadCommands(pathToFileURL(`${dir}/`), log);
    expect([...commands.keys()].sort()).toEqual(["also-good", "good"]);
    const warned = lines()
      .filter((l) => l.level === 40)
      .map((l) => l.file)
      .sort();
    expect(warned).toEqual(["no-default.js", "no-execute.js", "plain-data.js", "syntax.js", "throws.js", "zz-duplicate.js"]);
  });

  it("GIVEN the project's commands folder THEN ask, help, search, sources and the admin commands load with valid definitions", async () => {
    const { log, lines } = captureLog();
    const commands = await loadCommands(COMMANDS_DIR, log);
    expect([...commands.keys()].sort()).toEqual(["ask", "gaps", "help", "reindex", "search", "sources", "stats"]);
    expect(lines().filter((l) => (l.level as number) >= 40)).toEqual([]);
    for (const command of commands.values()) {
      const json = command.data.toJSON();
      expect(json.description!.length).toBeLessThanOrEqual(100);
      for (const option of json.options ?? []) expect(option.description.length).toBeLessThanOrEqual(100);
    }
    const ask = commands.get("ask")!.data.toJSON();
    expect(ask.options?.map((o) => o.name)).toEqual(["question", "sources", "since", "private"]);
  });
});

describe("findCommandProblem", () => {
  it.each([
    [null, /default export/],
    [{ execute() {} }, /data/],
    [{ data: { name: "Bad Name!", toJSON() {} }, execute() {} }, /name/],
    [{ data: { name: "ok", toJSON() {} }, execute() {}, handleButton: "no" }, /handleButton/],
  ])("GIVEN %j THEN names the problem", (value, problem) => {
    expect(findCommandProblem(value)).toMatch(problem);
  });
});
