// The house rules the tree promises (docs/architecture.md), checked on the source itself: no folder imports one
// that imports it back, and the core imports nothing from outside it and nothing that touches the world.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "../src");

function listSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listSources(full) : full.endsWith(".ts") ? [full] : [];
  });
}

const files = listSources(SRC);
const folderOf = (file: string) => path.relative(SRC, path.dirname(file)) || ".";
const importsOf = (file: string) => [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]!);
const relativeTargets = (file: string) =>
  importsOf(file)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts"));

describe("the source tree", () => {
  it("has no two folders that import each other", () => {
    const edges = new Map<string, string>();
    for (const file of files) {
      for (const target of relativeTargets(file)) {
        const from = folderOf(file);
        const to = folderOf(target);
        if (from !== to) edges.set(`${from} -> ${to}`, `${path.relative(SRC, file)} imports ${path.relative(SRC, target)}`);
      }
    }
    const twoWay = [...edges.keys()]
      .map((edge) => edge.split(" -> ") as [string, string])
      .filter(([from, to]) => from < to && edges.has(`${to} -> ${from}`))
      .map(([from, to]) => `${edges.get(`${from} -> ${to}`)}; ${edges.get(`${to} -> ${from}`)}`);
    expect(twoWay).toEqual([]);
  });

  it("keeps the core pure: no import from outside src/core, no file system, network, Discord or SDK", () => {
    const core = files.filter((file) => folderOf(file).split(path.sep)[0] === "core");
    expect(core.length).toBeGreaterThan(10);
    const outside = core.flatMap((file) =>
      relativeTargets(file)
        .filter((target) => !target.startsWith(path.join(SRC, "core") + path.sep))
        .map((target) => `${path.relative(SRC, file)} imports ${path.relative(SRC, target)}`),
    );
    const worldly = core.flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^(node:(fs|net|http|https|child_process|worker_threads)|discord\.js|@langchain\/|langchain|hnswlib-node|pino)/.test(spec))
        .map((spec) => `${path.relative(SRC, file)} imports ${spec}`),
    );
    expect([...outside, ...worldly]).toEqual([]);
  });
});
