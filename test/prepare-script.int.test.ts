// `prepare` runs on every install; a production install (`npm ci --omit=dev`) has no TypeScript.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

describe("scripts/prepare.mjs", () => {
  it("GIVEN an install without devDependencies THEN prepare succeeds and says dist/ is used as built", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "newsdesk-prepare-"));
    try {
      await mkdir(path.join(dir, "scripts"));
      await copyFile(path.resolve("scripts/prepare.mjs"), path.join(dir, "scripts", "prepare.mjs"));
      const { stderr } = await promisify(execFile)(process.execPath, ["scripts/prepare.mjs"], { cwd: dir });
      expect(stderr).toContain("TypeScript is not installed");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
