// 👍/👎 on answers, appended to a JSON Lines file: each record is one write of one whole line.
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Citation } from "../core/types.js";

export interface FeedbackRecord {
  time: string;
  user_id: string;
  rating: "up" | "down";
  question: string;
  answer: string;
  abstained: boolean;
  citations: Array<Pick<Citation, "n" | "source" | "title" | "lines" | "quote" | "passageId">>;
  guild_id?: string | null;
  channel_id?: string | null;
}

export interface FeedbackStore {
  record(entry: FeedbackRecord): Promise<void>;
}

export function createFeedbackStore(filePath: string): FeedbackStore {
  // Writes go one after another so two clicks at once never interleave inside the file.
  let last: Promise<void> = Promise.resolve();
  let folderReady: Promise<unknown> | undefined;
  return {
    record(entry) {
      const line = `${JSON.stringify(entry)}\n`;
      const write = async () => {
        folderReady ??= mkdir(dirname(filePath), { recursive: true }).catch((error: unknown) => {
          folderReady = undefined;
          throw error;
        });
        await folderReady;
        await appendFile(filePath, line, { encoding: "utf8", flag: "a" });
      };
      const result = last.then(write, write);
      last = result.catch(() => undefined);
      return result;
    },
  };
}
