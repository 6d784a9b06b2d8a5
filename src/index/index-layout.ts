// Where an index lives on disk, and the two mechanisms that keep it whole: an atomic CURRENT pointer and a
// build lock. INDEX_DIR/CURRENT names the generation folder that is served; a build writes a new generation
// beside it and then renames CURRENT.tmp over CURRENT, so a build killed at any moment leaves the previous
// generation loadable.
import { open, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

export const CURRENT_FILE = "CURRENT";
export const LOCK_FILE = "build.lock";
export const MANIFEST_FILE = "manifest.json";
/** Files of one generation; the manifest is written last and records the others' sizes. */
export const HNSWLIB_FILES = ["hnswlib.index", "docstore.json", "args.json"] as const;

export class IndexError extends Error {
  override name = "IndexError";
}

/** The generation folder that CURRENT points to, or null when no index has been built. */
export async function readCurrentGeneration(indexDir: string): Promise<string | null> {
  try {
    const name = (await readFile(path.join(indexDir, CURRENT_FILE), "utf8")).trim();
    if (!/^gen-[\w-]+$/.test(name)) {
      throw new IndexError(`${path.join(indexDir, CURRENT_FILE)} is damaged. Run \`npm run index -- --rebuild\`.`);
    }
    return path.join(indexDir, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export function newGenerationName(now = new Date()): string {
  return `gen-${now.toISOString().replace(/[:.]/g, "-")}-${process.pid}`;
}

/** Points CURRENT at `generationDir` atomically (rename), then removes every other generation. */
export async function publishGeneration(indexDir: string, generationDir: string): Promise<void> {
  const tmp = path.join(indexDir, `${CURRENT_FILE}.tmp`);
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(`${path.basename(generationDir)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path.join(indexDir, CURRENT_FILE));
  await removeStaleGenerations(indexDir, path.basename(generationDir));
}

/** Deletes generation folders other than `keep` (left behind by finished or killed builds). */
export async function removeStaleGenerations(indexDir: string, keep: string): Promise<void> {
  const entries = await readdir(indexDir, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    entries
      .filter((e) => e.isDirectory() && e.name.startsWith("gen-") && e.name !== keep)
      .map((e) => rm(path.join(indexDir, e.name), { recursive: true, force: true })),
  );
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the build lock or throws an IndexError naming the process that holds it. A lock left by a
 * process that no longer exists (a killed build) is taken over.
 */
export async function acquireBuildLock(indexDir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(indexDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
      if (holder && isProcessAlive(holder)) {
        throw new IndexError(
          `Another index build (process ${holder}) is running on ${indexDir}. Wait for it to finish; ` +
            `if no build is running, delete ${lockPath}.`,
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new IndexError(`Could not take the build lock ${lockPath}; delete it if no build is running.`);
}

export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await writeFile(file, JSON.stringify(value));
}
