// What /reindex shows while a build runs: a fresh build embeds while it reads, so its progress is its files.
import { describe, expect, it } from "vitest";
import { renderReindexProgress } from "../src/discord/render-admin-reports.js";
import type { ReindexProgress } from "../src/discord/bot-ports.js";

const at = (progress: Partial<ReindexProgress> & Pick<ReindexProgress, "phase">): ReindexProgress => ({
  files: 0,
  totalFiles: 10,
  passages: 0,
  embedded: 0,
  toEmbed: 0,
  seconds: 2,
  rate: 0,
  ...progress,
});

describe("renderReindexProgress", () => {
  it("GIVEN a build embedding and inserting while files remain THEN it reports the files read and what is embedded", () => {
    for (const phase of ["embedding", "inserting"] as const) {
      const text = renderReindexProgress(at({ phase, files: 4, passages: 40, embedded: 256, toEmbed: 300 }));
      expect(text).toBe("Re-indexing… reading files: 4/10, 40 passages so far, 256 embedded (2.0 s)");
    }
  });

  it("GIVEN every file read THEN it reports embedding against the passages to embed, then writing", () => {
    expect(renderReindexProgress(at({ phase: "inserting", files: 10, embedded: 512, toEmbed: 600, rate: 250 }))).toBe(
      "Re-indexing… embedding new passages: 512/600, 250/s (2.0 s)",
    );
    expect(renderReindexProgress(at({ phase: "writing", files: 10, embedded: 600, toEmbed: 600 }))).toMatch(
      /^Re-indexing… writing the new index \(600 new passages\)/,
    );
  });
});
