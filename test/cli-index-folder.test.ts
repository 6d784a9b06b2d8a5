import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexFolderName } from "../src/cli/cli-io.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-slug-"));
  for (const name of ["新闻", "ニュース", "news"]) await mkdir(path.join(root, name));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the index folder of --corpus DIR", () => {
  it("GIVEN two folders whose names have no ASCII letters THEN each gets its own index folder", () => {
    expect(indexFolderName(path.join(root, "新闻"))).not.toBe(indexFolderName(path.join(root, "ニュース")));
  });

  it("GIVEN the same folder spelled two ways THEN both share one index folder, named readably", () => {
    const cwd = process.cwd();
    try {
      process.chdir(root);
      expect(indexFolderName("./news")).toBe(indexFolderName(path.join(root, "news")));
      expect(indexFolderName("news/")).toMatch(/^news-[0-9a-f]{10}$/);
    } finally {
      process.chdir(cwd);
    }
  });
});
