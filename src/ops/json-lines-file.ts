// An append-only JSON Lines file, bounded in size: feedback, answers and gaps are all kept this way.
import { appendFile, mkdir, readFile, rename, stat } from "node:fs/promises";
import { dirname } from "node:path";

/** Past this size a file is rotated to `<file>.1` (the older `.1` is dropped): two files at most. */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

export interface JsonLinesFile<T> {
  readonly path: string;
  /** Appends one record as one whole line (a single append of a line ending in "\n"). */
  append(record: T): Promise<void>;
  /** The records of the rotated file and the current one, oldest first; a torn or foreign line is skipped. */
  readAll(): Promise<T[]>;
}

export interface JsonLinesFileOptions {
  maxBytes?: number;
}

export function createJsonLinesFile<T>(filePath: string, options: JsonLinesFileOptions = {}): JsonLinesFile<T> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const rotated = `${filePath}.1`;
  // Appends and rotations go one after another, so two records at once never interleave or race a rename.
  let last: Promise<void> = Promise.resolve();
  let folderReady: Promise<unknown> | undefined;
  let size: number | undefined;

  const write = async (line: string) => {
    folderReady ??= mkdir(dirname(filePath), { recursive: true }).catch((error: unknown) => {
      folderReady = undefined;
      throw error;
    });
    await folderReady;
    size ??= await stat(filePath).then(
      (s) => s.size,
      () => 0,
    );
    const bytes = Buffer.byteLength(line);
    if (size > 0 && size + bytes > maxBytes) {
      await rename(filePath, rotated);
      size = 0;
    }
    try {
      await appendFile(filePath, line, { encoding: "utf8", flag: "a" });
      size += bytes;
    } catch (error) {
      // The size on disk is unknown after a failed append: read it again next time.
      size = undefined;
      throw error;
    }
  };

  return {
    path: filePath,
    append(record) {
      const line = `${JSON.stringify(record)}\n`;
      const result = last.then(
        () => write(line),
        () => write(line),
      );
      last = result.catch(() => undefined);
      return result;
    },
    async readAll() {
      await last;
      const records: T[] = [];
      for (const file of [rotated, filePath]) {
        const text = await readFile(file, "utf8").catch(() => "");
        for (const line of text.split("\n")) {
          if (!line.trim()) continue;
          try {
            records.push(JSON.parse(line) as T);
          } catch {
            // A line cut short by a crash is absent, not an error.
          }
        }
      }
      return records;
    },
  };
}
