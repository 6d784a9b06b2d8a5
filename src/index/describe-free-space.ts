// What a person needs to free space: which disk holds a folder and how much is left on it.
import { stat, statfs } from "node:fs/promises";
import path from "node:path";

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The highest ancestor on the same device: the mount point, the disk a person can free space on. */
async function findMountPoint(dir: string): Promise<string> {
  let current = path.resolve(dir);
  const device = (await stat(current)).dev;
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current || (await stat(parent)).dev !== device) return current;
    current = parent;
  }
}

/** The nearest existing folder at or above `dir` (a failed first build may not have created `dir`). */
async function findExistingAncestor(dir: string): Promise<string> {
  let current = path.resolve(dir);
  while (
    path.dirname(current) !== current &&
    !(await stat(current).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  ) {
    current = path.dirname(current);
  }
  return current;
}

/** "the disk mounted at /data has 12.0 MB free", or as much of it as can be found out. */
export async function describeFreeSpace(dir: string): Promise<string> {
  const folder = await findExistingAncestor(dir);
  const mount = await findMountPoint(folder).catch(() => folder);
  const free = await statfs(folder).then(
    (s) => megabytes(s.bavail * s.bsize),
    () => "an unknown amount of space",
  );
  return `the disk mounted at ${mount} has ${free} free`;
}
