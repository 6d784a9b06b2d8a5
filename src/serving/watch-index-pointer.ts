// Notices when a build publishes a new index generation (INDEX_DIR/CURRENT renamed into place), whether the
// build ran in this process, in /reindex's child or in `npm run index` in a shell. fs.watch reports at once
// where it works; a slow poll catches what it misses (network file systems, editors' atomic saves, a watch
// that died).
import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../base/log.js";
import { CURRENT_FILE } from "../index/index-layout.js";

export const DEFAULT_POLL_MS = 15_000;

export interface IndexPointerWatcher {
  close(): void;
}

export interface WatchIndexPointerOptions {
  indexDir: string;
  /** Called when CURRENT's content changed; never twice at once. */
  /** Awaited when it returns a promise; its value is not used. */
  onChange(): unknown;
  log: Logger;
  pollMs?: number;
  /** Off only to test the poll alone. */
  useFsWatch?: boolean;
  /** A burst of events (CURRENT.tmp written, renamed) becomes one check after this quiet time. */
  settleMs?: number;
}

const readPointer = (file: string) =>
  readFile(file, "utf8").then(
    (text) => text.trim(),
    () => null,
  );

export async function watchIndexPointer(options: WatchIndexPointerOptions): Promise<IndexPointerWatcher> {
  const { indexDir, log } = options;
  const file = path.join(indexDir, CURRENT_FILE);
  let seen = await readPointer(file);
  let closed = false;
  let checking: Promise<void> | null = null;
  let recheck = false;
  let settleTimer: NodeJS.Timeout | undefined;

  const check = async (): Promise<void> => {
    if (checking) {
      recheck = true;
      return checking;
    }
    checking = (async () => {
      do {
        recheck = false;
        const pointer = await readPointer(file);
        if (closed || pointer === null || pointer === seen) continue;
        seen = pointer;
        log.info({ generation: pointer }, "a new index generation was published");
        try {
          await options.onChange();
        } catch (error) {
          log.error({ err: error }, "reacting to a new index generation failed");
        }
      } while (recheck && !closed);
    })().finally(() => {
      checking = null;
    });
    return checking;
  };

  const soon = () => {
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => void check(), options.settleMs ?? 100);
  };

  let watcher: FSWatcher | undefined;
  if (options.useFsWatch !== false) {
    try {
      // The folder, not the file: CURRENT is replaced by a rename, which a watch on the old file would miss.
      watcher = watch(indexDir, { persistent: false }, (_event, name) => {
        if (name === null || String(name).startsWith(CURRENT_FILE)) soon();
      });
      watcher.on("error", (error) => {
        log.warn({ err: error, index_dir: indexDir }, "watching the index folder failed; polling only");
        watcher?.close();
        watcher = undefined;
      });
    } catch (error) {
      log.warn({ err: error, index_dir: indexDir }, "cannot watch the index folder; polling only");
    }
  }
  const poll = setInterval(() => void check(), options.pollMs ?? DEFAULT_POLL_MS);
  poll.unref();

  return {
    close() {
      closed = true;
      clearInterval(poll);
      clearTimeout(settleTimer);
      watcher?.close();
    },
  };
}
