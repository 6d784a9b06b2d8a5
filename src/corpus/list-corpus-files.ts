import type { Dirent, Stats } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { PersonFacingError } from "../core/person-facing-error.js";
import type { Skipped } from "../core/types.js";
import { formatOf, unsupportedReason } from "./parse-corpus-file.js";

export interface CorpusFile {
  /** Path relative to the corpus folder, with forward slashes. */
  source: string;
  /** Absolute path to read. */
  path: string;
  size: number;
  mtimeMs: number;
}

/** The corpus folder itself is missing or not a folder: a configuration error, not a skipped file. */
export class CorpusFolderError extends PersonFacingError {
  override name = "CorpusFolderError";
}

export interface ListCorpusOptions {
  /** Folders never read as corpus even when inside it: Newsdesk's own (INDEX_DIR, DATA_DIR). */
  skipFolders?: readonly string[];
  /** Follow symbolic links whose target lies outside the corpus folder (CORPUS_FOLLOW_LINKS_OUTSIDE). Default false. */
  followLinksOutside?: boolean;
}

export const LINK_OUTSIDE_REASON = "symbolic link to outside the corpus folder, not followed (set CORPUS_FOLLOW_LINKS_OUTSIDE=true to read it)";

/**
 * Walks the corpus folder recursively and lists the files it can read, sorted by source. Hidden entries
 * (names starting with ".") are reported and not entered; so are unsupported extensions, broken links and
 * special files, a link whose target is hidden, and (unless `followLinksOutside`) a link whose target is
 * outside the corpus: a corpus link must not publish a file of the host. A folder link that points back into
 * the corpus (a loop, or a second way to the same articles) is reported instead of followed, so the walk ends.
 */
export async function listCorpusFiles(dir: string, options: ListCorpusOptions = {}): Promise<{ files: CorpusFile[]; skipped: Skipped[] }> {
  const root = path.resolve(dir);
  // An INDEX_DIR or DATA_DIR inside CORPUS_DIR would otherwise be read as articles (a manifest, the feedback log).
  const skipFolders = new Set(await Promise.all((options.skipFolders ?? []).map((folder) => realpath(folder).catch(() => path.resolve(folder)))));
  let rootReal: string;
  try {
    if (!(await stat(root)).isDirectory())
      throw new CorpusFolderError(`The corpus folder ${dir} is not a folder. Set CORPUS_DIR to a folder of articles.`);
    rootReal = await realpath(root);
  } catch (error) {
    if (error instanceof CorpusFolderError) throw error;
    throw new CorpusFolderError(`The corpus folder ${dir} cannot be read (${errorCode(error)}). Create it or set CORPUS_DIR.`);
  }

  const files: CorpusFile[] = [];
  const skipped: Skipped[] = [];
  const walkedOutside = new Map<string, string>();
  const relativeToRoot = (real: string) => path.relative(rootReal, real).split(path.sep).join("/");
  const isInsideRoot = (real: string) => real === rootReal || real.startsWith(rootReal + path.sep);

  const walk = async (absDir: string, relDir: string, ancestors: ReadonlySet<string>): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(absDir, { withFileTypes: true });
    } catch (error) {
      skipped.push({ source: relDir || ".", reason: `cannot read folder (${errorCode(error)})` });
      return;
    }
    // One entry at a time, in name order: which of two links to the same folder is read must not depend on
    // which stat call happens to return first.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const visit = async (entry: (typeof entries)[number]) => {
      const source = relDir ? `${relDir}/${entry.name}` : entry.name;
      const abs = path.join(absDir, entry.name);
      const isLink = entry.isSymbolicLink();
      if (entry.name.startsWith(".")) {
        skipped.push({ source, reason: entry.isDirectory() ? "hidden folder" : "hidden file" });
        return;
      }
      let info: Stats;
      try {
        info = await stat(abs);
      } catch (error) {
        const code = errorCode(error);
        const reason =
          code === "ELOOP"
            ? "symbolic link loop"
            : isLink && code === "ENOENT"
              ? "broken symbolic link"
              : code === "ENOENT"
                ? "vanished while the folder was listed"
                : `cannot read (${code})`;
        skipped.push({ source, reason });
        return;
      }
      const real = await realpath(abs).catch(() => abs);
      // A link to a hidden file or folder (notes.txt -> ~/.env) is as hidden as its target.
      if (isLink && isHiddenTarget(real, rootReal)) {
        skipped.push({ source, reason: "symbolic link to a hidden file or folder" });
        return;
      }
      if (isLink && !isInsideRoot(real) && !options.followLinksOutside) {
        skipped.push({ source, reason: LINK_OUTSIDE_REASON });
        return;
      }
      if (info.isDirectory()) {
        if (skipFolders.has(real)) {
          skipped.push({ source, reason: "Newsdesk's own folder (INDEX_DIR or DATA_DIR)" });
        } else if (ancestors.has(real)) {
          skipped.push({ source, reason: `symbolic link loop: points back to ${real === rootReal ? "the corpus folder" : relativeToRoot(real)}` });
        } else if (isLink && isInsideRoot(real)) {
          skipped.push({ source, reason: `symbolic link to ${relativeToRoot(real)}, which is read there` });
        } else if (walkedOutside.has(real)) {
          skipped.push({ source, reason: `same folder as ${walkedOutside.get(real)}, already read` });
        } else {
          if (!isInsideRoot(real)) walkedOutside.set(real, source);
          await walk(abs, source, new Set([...ancestors, real]));
        }
      } else if (info.isFile()) {
        if (formatOf(source)) files.push({ source, path: abs, size: info.size, mtimeMs: info.mtimeMs });
        else skipped.push({ source, reason: unsupportedReason(source) });
      } else {
        skipped.push({ source, reason: "not a regular file (a socket, pipe or device)" });
      }
    };
    for (const entry of entries) await visit(entry);
  };

  await walk(root, "", new Set([rootReal]));
  const bySource = (a: { source: string }, b: { source: string }) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);
  return { files: files.sort(bySource), skipped: skipped.sort(bySource) };
}

/**
 * Whether a link target is hidden: a name starting with "." on its path past the folders it shares with the
 * corpus (so a corpus that itself lives under ~/.local is not all hidden, but ~/.env and ~/.ssh/id_rsa are).
 */
function isHiddenTarget(real: string, rootReal: string): boolean {
  const target = real.split(path.sep);
  const root = rootReal.split(path.sep);
  let shared = 0;
  while (shared < target.length && shared < root.length && target[shared] === root[shared]) shared++;
  return target.slice(shared).some((part) => part.startsWith("."));
}

export function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : "unknown error";
}
