import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import type { Skipped } from "../core/types.js";
import { errorCode, type CorpusFile } from "./list-corpus-files.js";
import { formatOf } from "./parse-corpus-file.js";

/** Bigger .txt/.md/.html files are skipped: one "article" of this size is a dump, not a story to cite. */
export const MAX_ARTICLE_FILE_BYTES = 20 * 1024 * 1024;
/** .json/.jsonl files hold many articles, so they may be larger. */
export const MAX_RECORDS_FILE_BYTES = 200 * 1024 * 1024;

export interface ReadCorpusFileOptions {
  /** Overrides the size limit for this file's format. */
  maxBytes?: number;
}

/** The bytes as read, with the size and modification time they were read at (for the index manifest). */
export interface CorpusFileBytes {
  bytes: Uint8Array;
  size: number;
  mtimeMs: number;
}

const READ_ATTEMPTS = 2;
// O_NONBLOCK keeps a path that became a pipe since listing from blocking the build; regular files ignore it.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export function maxBytesFor(source: string): number {
  const format = formatOf(source);
  return format === "json" || format === "jsonl" ? MAX_RECORDS_FILE_BYTES : MAX_ARTICLE_FILE_BYTES;
}

/**
 * Reads a listed file whole. A file that vanished, cannot be opened, is over the size limit, or keeps
 * changing while it is read is returned as skipped with a reason; nothing here throws for a bad file.
 */
export async function readCorpusFile(
  file: CorpusFile,
  options: ReadCorpusFileOptions = {},
): Promise<CorpusFileBytes | { skipped: Skipped; lasting?: boolean }> {
  const maxBytes = options.maxBytes ?? maxBytesFor(file.source);
  const skip = (reason: string) => ({ skipped: { source: file.source, reason } });
  // Not a passing failure: what the index held for this file no longer stands (it grew past the limit).
  const skipForGood = (reason: string) => ({ skipped: { source: file.source, reason }, lasting: true });
  let handle: FileHandle;
  try {
    handle = await open(file.path, OPEN_FLAGS);
  } catch (error) {
    return skip(describeReadError(error));
  }
  try {
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const before = await handle.stat();
      if (!before.isFile()) return skipForGood("not a regular file");
      if (before.size > maxBytes) return skipForGood(tooLarge(before.size, maxBytes));
      const bytes = await readAll(handle, before.size, maxBytes);
      if (bytes === undefined) return skipForGood(tooLarge(maxBytes + 1, maxBytes));
      const after = await handle.stat();
      // A writer in the middle of saving: read again rather than index half a file.
      if (after.size === before.size && after.mtimeMs === before.mtimeMs && bytes.length === after.size) {
        return { bytes, size: after.size, mtimeMs: after.mtimeMs };
      }
    }
    return skip("the file kept changing while it was read; it will be read on the next run");
  } catch (error) {
    return skip(describeReadError(error));
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The file's bytes, in one read when its size is as `stat` said: the first buffer is that size plus one, and
 * a short read is the end. (A re-index reads every file of the corpus; a fixed 1 MB buffer and a second,
 * empty read per file were most of its time.) A file that grows is read on in 1 MB slices.
 */
async function readAll(handle: FileHandle, expectedSize: number, maxBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (let wanted = Math.min(expectedSize + 1, maxBytes + 1); ; wanted = Math.min(1024 * 1024, maxBytes + 1 - total) || 1) {
    const chunk = Buffer.allocUnsafe(wanted);
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
    total += bytesRead;
    if (total > maxBytes) return undefined;
    if (bytesRead > 0) chunks.push(chunk.subarray(0, bytesRead));
    if (bytesRead < chunk.length) break;
  }
  return chunks.length === 1 ? new Uint8Array(chunks[0].buffer, chunks[0].byteOffset, total) : new Uint8Array(Buffer.concat(chunks, total));
}

function describeReadError(error: unknown): string {
  switch (errorCode(error)) {
    case "ENOENT":
      return "the file vanished before it could be read";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a folder, not a file";
    case "ELOOP":
      return "symbolic link loop";
    default:
      return `cannot read the file (${errorCode(error)})`;
  }
}

function tooLarge(size: number, maxBytes: number): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `too large to index as one file (${mb(size)}; the limit is ${mb(maxBytes)})`;
}
