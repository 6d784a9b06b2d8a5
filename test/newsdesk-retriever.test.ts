import { describe, expect, it } from "vitest";
import type { Pipeline } from "../src/core/ports.js";
import { NewsdeskRetriever } from "../src/langchain/newsdesk-retriever.js";

const nothingFound: Pick<Pipeline, "search"> = { search: async () => ({ results: [] }) as never };

describe("NewsdeskRetriever filters", () => {
  it("refuses a glob past its bounds, or an impossible date, when it is made rather than at the first query", () => {
    expect(() => new NewsdeskRetriever({ pipeline: nothingFound, filters: { source: `${"*a".repeat(120)}!` } })).toThrow(
      /filters\.source ".*" is 241 characters long; the limit is 200/,
    );
    expect(() => new NewsdeskRetriever({ pipeline: nothingFound, filters: { since: "2020-02-31" } })).toThrow(/filters\.since must be a real date/);
  });

  it("passes valid filters to the pipeline's search", async () => {
    const seen: unknown[] = [];
    const pipeline: Pick<Pipeline, "search"> = { search: async (_q, options) => (seen.push(options?.filters), { results: [] }) as never };
    await new NewsdeskRetriever({ pipeline, filters: { source: "{bbc,pages}/**" } }).invoke("anything");
    expect(seen).toEqual([{ source: "{bbc,pages}/**" }]);
  });
});
