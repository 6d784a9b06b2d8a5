// The swap of a served index, with plain fake pipelines: atomic, between questions, and never to a failed load.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { AskResult, Pipeline } from "../src/core/ports.js";
import { createReloadablePipeline, NOT_LOADED_MESSAGE, type IndexedPipeline } from "../src/serving/reloadable-pipeline.js";

const silent = pino({ level: "silent" });

/** A pipeline that answers with its own name, and holds an answer until released when asked to. */
function fakeIndexed(name: string, options: { hold?: Promise<void> } = {}): IndexedPipeline {
  const pipeline: Pipeline = {
    async ask(question) {
      await options.hold;
      return {
        question,
        text: `from ${name}`,
        abstained: false,
        citations: [],
        nearest: [],
        timings_ms: { retrieve: 0, answer: 0, total: 0 },
      } satisfies AskResult;
    },
    async search(query) {
      return { query, results: [], timings_ms: { retrieve: 0 } };
    },
    listArticles: () => [{ source: `${name}.txt`, title: name, passages: 1 }],
    getPassage: (id) => (id === `${name}-p` ? { id, source: `${name}.txt`, title: name, lines: [1, 1], lineMap: [[1, 1]], text: name } : undefined),
  };
  return {
    pipeline,
    loaded: {
      dir: `/index/gen-${name}`,
      manifest: {
        builtAt: "2026-03-10T10:00:00.000Z",
        embedder: { id: "local-hash", dimensions: 8 },
        files: {
          [`${name}.txt`]: {
            hash: "h",
            articles: 2,
            passages: [
              { id: "x", label: 0 },
              { id: "y", label: 1 },
            ],
          },
        },
      },
    },
  };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("createReloadablePipeline", () => {
  it("GIVEN no load yet THEN questions are refused with a clear message and nothing is listed", async () => {
    const reloadable = createReloadablePipeline({ open: async () => fakeIndexed("a"), readGeneration: async () => "/index/gen-a", log: silent });
    await expect(reloadable.ask("q")).rejects.toThrow(NOT_LOADED_MESSAGE);
    expect(reloadable.listArticles()).toEqual([]);
    expect(reloadable.served()).toBeNull();
  });

  it("GIVEN a new generation opening slowly THEN questions keep going to the old index until it is fully open, and one in flight finishes on the old", async () => {
    let generation = "/index/gen-old";
    const opening = deferred();
    const holdOld = deferred();
    const opened: Record<string, IndexedPipeline> = {
      "/index/gen-old": fakeIndexed("old", { hold: holdOld.promise }),
      "/index/gen-new": fakeIndexed("new"),
    };
    const reloadable = createReloadablePipeline({
      open: async () => {
        const target = generation;
        if (target === "/index/gen-new") await opening.promise;
        return opened[target]!;
      },
      readGeneration: async () => generation,
      log: silent,
    });
    expect((await reloadable.reload("start")).status).toBe("reloaded");
    const inFlight = reloadable.ask("asked before the swap");

    generation = "/index/gen-new";
    const reload = reloadable.reload("build finished");
    // While the new index opens, the old one is served (its answer is held, so ask a fresh question via listArticles).
    await new Promise((r) => setTimeout(r, 10));
    expect(reloadable.served()!.generation).toBe("gen-old");
    expect(reloadable.listArticles()[0]!.title).toBe("old");

    opening.resolve();
    const outcome = await reload;
    expect(outcome).toMatchObject({
      status: "reloaded",
      served: { generation: "gen-new", articles: 2, passages: 2, files: 1, embedder: "local-hash" },
    });
    expect((await reloadable.ask("asked after the swap")).text).toBe("from new");

    holdOld.resolve();
    expect((await inFlight).text).toBe("from old");
  });

  it("GIVEN a load that fails THEN the old index keeps serving, the failure is kept for /stats, and a later good load clears it", async () => {
    let generation = "/index/gen-a";
    let fail = false;
    const outcomes: string[] = [];
    const reloadable = createReloadablePipeline({
      open: async () => {
        if (fail) throw new Error("The index file /index/gen-b/docstore.json is damaged.");
        return fakeIndexed(generation.slice("/index/gen-".length));
      },
      readGeneration: async () => generation,
      log: silent,
      onReload: (o) => outcomes.push(o.status),
    });
    await reloadable.reload("start");
    generation = "/index/gen-b";
    fail = true;
    const failed = await reloadable.reload("build finished");
    expect(failed).toMatchObject({ status: "failed", message: expect.stringContaining("docstore.json is damaged"), served: { generation: "gen-a" } });
    expect((await reloadable.ask("q")).text).toBe("from a");
    expect(reloadable.lastFailure()).toContain("damaged");

    fail = false;
    expect((await reloadable.reload("retry")).status).toBe("reloaded");
    expect((await reloadable.ask("q")).text).toBe("from b");
    expect(reloadable.lastFailure()).toBeUndefined();
    expect(outcomes).toEqual(["reloaded", "failed", "reloaded"]);
  });

  it("GIVEN the served generation is still current THEN a reload opens nothing", async () => {
    let opens = 0;
    const reloadable = createReloadablePipeline({
      open: async () => {
        opens++;
        return fakeIndexed("a");
      },
      readGeneration: async () => "/index/gen-a",
      log: silent,
    });
    await reloadable.reload("start");
    const again = await Promise.all([reloadable.reload("watch"), reloadable.reload("poll"), reloadable.reload("/reindex")]);
    expect(again.map((o) => o.status)).toEqual(["unchanged", "unchanged", "unchanged"]);
    expect(opens).toBe(1);
  });

  it("GIVEN an answer from the previous index THEN Show passages still finds its passage after a swap", async () => {
    let generation = "/index/gen-a";
    const reloadable = createReloadablePipeline({
      open: async () => fakeIndexed(generation.slice("/index/gen-".length)),
      readGeneration: async () => generation,
      log: silent,
    });
    await reloadable.reload("start");
    generation = "/index/gen-b";
    await reloadable.reload("build");
    expect(reloadable.getPassage("b-p")?.text).toBe("b");
    expect(reloadable.getPassage("a-p")?.text).toBe("a");
  });

  it("GIVEN three generations in turn THEN the first is closed once the third is served, and the served and previous ones stay open", async () => {
    const closed: string[] = [];
    const opened = ["a", "b", "c"].map((name) => {
      const indexed = fakeIndexed(name);
      return { ...indexed, loaded: { ...indexed.loaded, close: async () => void closed.push(name) } };
    });
    let generation = 0;
    const reloadable = createReloadablePipeline({
      open: async () => opened[generation],
      readGeneration: async () => opened[generation].loaded.dir,
      log: silent,
    });
    await reloadable.reload("start");
    generation = 1;
    await reloadable.reload("new index");
    expect(closed).toEqual([]);
    generation = 2;
    await reloadable.reload("newer index");
    expect(closed).toEqual(["a"]);
    expect(reloadable.getPassage("b-p")).toMatchObject({ text: "b" });
  });
});
