// Where an index lives on disk, and the two mechanisms that keep it whole: an atomic CURRENT pointer and a
// build lock. INDEX_DIR/CURRENT names the generation folder that is served; a build writes a new generation
// beside it and then renames CURRENT.tmp over CURRENT, so a build killed at any moment leaves the previous
// generation loadable.
import { randomBytes, randomUUID } from "node:crypto";
import { crc32 } from "node:zlib";
import { link, open, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { PersonFacingError } from "../core/person-facing-error.js";

export const CURRENT_FILE = "CURRENT";
export const LOCK_FILE = "build.lock";
export const MANIFEST_FILE = "manifest.json";

export class IndexError extends PersonFacingError {
  override name = "IndexError";
}

/** The build lock is held by a live process: a first-use `ask` waits for it (waitForBuildLock) instead of failing. */
export class LockHeldError extends IndexError {
  override name = "LockHeldError";
  constructor(
    message: string,
    readonly holder: number,
  ) {
    super(message);
  }
}

/** Writes a small file whole; the build takes one so tests can fail it as a full disk does. */
export type WriteFile = (file: string, data: string) => Promise<void>;

/** An index written by another version of Newsdesk: readable only by building it again. */
export class OutdatedIndexError extends IndexError {
  override name = "OutdatedIndexError";
}

/** The index was embedded by another embedder than the configuration's: its vectors cannot be searched, only rebuilt. */
export class OtherEmbedderIndexError extends OutdatedIndexError {
  override name = "OtherEmbedderIndexError";
  constructor(
    message: string,
    readonly builtWith: string,
    readonly wanted: string,
  ) {
    super(message);
  }
}

/** The generation folder that CURRENT points to, or null when no index has been built. */
export async function readCurrentGeneration(indexDir: string): Promise<string | null> {
  try {
    const name = (await readFile(path.join(indexDir, CURRENT_FILE), "utf8")).trim();
    if (!/^gen-[\w-]+$/.test(name)) {
      throw new IndexError(`${path.join(indexDir, CURRENT_FILE)} is damaged. Run \`npm run index -- --rebuild\`.`);
    }
    const dir = path.join(indexDir, name);
    // A damaged CURRENT can still look like a generation name; say so rather than blame a file inside it.
    if (
      !(await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    ) {
      throw new IndexError(
        `${path.join(indexDir, CURRENT_FILE)} names ${name}, which does not exist (CURRENT is damaged). Run \`npm run index -- --rebuild\`.`,
      );
    }
    return dir;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export function newGenerationName(now = new Date()): string {
  // The random suffix keeps two builds of one process in the same millisecond from sharing a folder.
  return `gen-${now.toISOString().replace(/[:.]/g, "-")}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** Points of a publish at which a caller may act (tests kill or hold a build there). */
export type PublishPhase = "before-swap" | "after-swap";

/**
 * Points CURRENT at `generationDir` atomically (rename), then removes every other generation. The new
 * generation's files are flushed to disk first, so that a power cut after the swap cannot leave CURRENT
 * naming files that never reached the disk.
 */
export async function publishGeneration(
  indexDir: string,
  generationDir: string,
  onPhase: (phase: PublishPhase) => void | Promise<void> = () => {},
): Promise<void> {
  await syncFolder(generationDir);
  const tmp = path.join(indexDir, `${CURRENT_FILE}.tmp`);
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(`${path.basename(generationDir)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await onPhase("before-swap");
  await rename(tmp, path.join(indexDir, CURRENT_FILE));
  await syncPath(indexDir);
  await onPhase("after-swap");
  await removeStaleGenerations(indexDir, path.basename(generationDir));
}

async function syncPath(file: string): Promise<void> {
  const handle = await open(file, "r");
  // Some platforms cannot fsync a directory; the file contents, synced separately, are what matter most.
  await handle.sync().catch(() => {});
  await handle.close();
}

async function syncFolder(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) await syncPath(path.join(dir, entry.name));
  }
  await syncPath(dir);
}

/**
 * Deletes generation folders other than `keep` (left behind by finished or killed builds), and never the
 * one CURRENT names at this moment, whatever another process did meanwhile.
 */
export async function removeStaleGenerations(indexDir: string, keep: string): Promise<void> {
  const served = (await readFile(path.join(indexDir, CURRENT_FILE), "utf8").catch(() => "")).trim();
  const entries = await readdir(indexDir, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    entries
      .filter((e) => e.isDirectory() && e.name.startsWith("gen-") && e.name !== keep && e.name !== served)
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
 * Who a process is, beyond its pid, which the system reuses: the boot and the process's start time (Linux
 * /proc). Null where /proc is missing; then only the pid is checked.
 */
async function processIdentity(pid: number): Promise<string | null> {
  try {
    const [bootId, stat] = await Promise.all([readFile("/proc/sys/kernel/random/boot_id", "utf8"), readFile(`/proc/${pid}/stat`, "utf8")]);
    // Field 22 (starttime); fields are counted after the command name, which may hold spaces, in parentheses.
    const startTime = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    return startTime ? `${bootId.trim()}:${startTime}` : null;
  } catch {
    return null;
  }
}

/** Whether the lock's holder still runs: its pid is alive and, when the lock recorded it, is the same process. */
async function isHolderAlive(text: string, pid: number): Promise<boolean> {
  if (!isProcessAlive(pid)) return false;
  const recorded = text.trim().split(/\s+/)[2];
  if (!recorded) return true;
  const current = await processIdentity(pid);
  return current === null || current === recorded;
}

/** The pid at the start of a lock file's text (0 when there is none). */
function lockHolder(text: string | null): number {
  return Number((text ?? "").trim().split(/\s+/)[0]) || 0;
}

/**
 * Creates `file` with `content` unless it exists. The file appears complete (hard link of a finished
 * temporary file), so a reader never sees an empty lock and mistakes it for a dead one.
 */
async function createExclusive(file: string, content: string, write: WriteFile = writeFile): Promise<boolean> {
  const tmp = `${file}.${process.pid}-${randomUUID()}.tmp`;
  try {
    // Inside the try: a write that fails half way (a full disk) must not leave its temporary file behind.
    await write(tmp, content);
    await link(tmp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw error;
    // A file system without hard links: exclusive create, with a short window where the file is empty.
    return await writeFile(file, content, { flag: "wx" }).then(
      () => true,
      (e: NodeJS.ErrnoException) => (e.code === "EEXIST" ? false : Promise.reject(e)),
    );
  } finally {
    await rm(tmp, { force: true });
  }
}

function lockHeldError(indexDir: string, lockPath: string, holder: number, what = "is running"): LockHeldError {
  return new LockHeldError(
    `Another index build (process ${holder}) ${what} on ${indexDir}. Wait for it to finish; ` + `if no build is running, delete ${lockPath}.`,
    holder,
  );
}

/**
 * Removes the lock `stale` (whose holder is dead) if it is still that same lock. Removal is guarded by a
 * second lock, so that of several builds finding the same dead lock only one removes it: without the guard,
 * a slow one could delete the lock a faster one had just taken, and two builds would run at once.
 */
async function takeOverStaleLock(indexDir: string, lockPath: string, stale: string): Promise<void> {
  const guardPath = `${lockPath}.takeover`;
  if (!(await createExclusive(guardPath, `${process.pid}\n`))) {
    const guardHolder = lockHolder(await readFile(guardPath, "utf8").catch(() => null));
    if (guardHolder && isProcessAlive(guardHolder)) throw lockHeldError(indexDir, lockPath, guardHolder, "is starting");
    // Left by a build killed in the middle of a takeover (a window of microseconds).
    await rm(guardPath, { force: true });
    return;
  }
  try {
    if ((await readFile(lockPath, "utf8").catch(() => null)) === stale) await rm(lockPath, { force: true });
  } finally {
    await rm(guardPath, { force: true });
  }
}

/**
 * Takes the build lock or throws an IndexError naming the process that holds it. A lock left by a
 * process that no longer exists (a killed build) is taken over.
 */
export async function acquireBuildLock(indexDir: string, write: WriteFile = writeFile): Promise<() => Promise<void>> {
  const lockPath = path.join(indexDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    // The token tells this lock from an older one left by a process with the same pid; the identity tells
    // a live holder from an unrelated process that got its pid after a reboot or a long time.
    const identity = await processIdentity(process.pid);
    const token = `${process.pid} ${randomUUID()}${identity ? ` ${identity}` : ""}\n`;
    if (await createExclusive(lockPath, token, write)) {
      await removeDeadLockTemporaries(indexDir);
      return async () => {
        if ((await readFile(lockPath, "utf8").catch(() => null)) === token) await rm(lockPath, { force: true });
      };
    }
    const held = await readFile(lockPath, "utf8").catch(() => null);
    if (held === null) continue;
    const holder = lockHolder(held);
    if (holder && (await isHolderAlive(held, holder))) throw lockHeldError(indexDir, lockPath, holder);
    await takeOverStaleLock(indexDir, lockPath, held);
  }
  throw new IndexError(`Could not take the build lock ${lockPath}; delete it if no build is running.`);
}

/** Temporary lock files (`build.lock.<pid>-<uuid>.tmp`) of processes that died before removing them. */
async function removeDeadLockTemporaries(indexDir: string): Promise<void> {
  const names = await readdir(indexDir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^build\.lock(?:\.takeover)?\.(\d+)-[\w-]+\.tmp$/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isProcessAlive(pid)) await rm(path.join(indexDir, name), { force: true });
  }
}

/**
 * Waits until no live process holds the build lock of `indexDir`: true when it was released (or its holder
 * died), false after `timeoutMs`. Parallel first uses wait for one build instead of failing on its lock.
 */
export async function waitForBuildLock(indexDir: string, timeoutMs: number, pollMs = 200): Promise<boolean> {
  const lockPath = path.join(indexDir, LOCK_FILE);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = await readFile(lockPath, "utf8").catch(() => null);
    const holder = lockHolder(held);
    if (held === null || !holder || !(await isHolderAlive(held, holder))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * A file's checksum, "crc32:" and 8 hex digits, read in reused 4 MB slices. It guards against damage (a
 * truncated copy, a flipped bit), not against someone who can write the index: CRC-32 catches every burst
 * of up to 32 bits and checks the 400 MB of a 100k-passage index in about 0.2 s, where sha256 took 2 s, so every load can afford it.
 */
export async function checksumFile(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(4 << 20);
    let crc = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      crc = crc32(buffer.subarray(0, bytesRead), crc);
    }
    return `crc32:${crc.toString(16).padStart(8, "0")}`;
  } finally {
    await handle.close();
  }
}
