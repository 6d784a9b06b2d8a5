// 👍/👎 on answers, appended to a JSON Lines file (bounded, rotated): each record is one write of one whole line.
import type { Citation } from "../core/types.js";
import { createJsonLinesFile, type JsonLinesFileOptions } from "../ops/json-lines-file.js";

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
  /** Every record still kept (the current file and the rotated one), oldest first. */
  readAll(): Promise<FeedbackRecord[]>;
}

export function createFeedbackStore(filePath: string, options: JsonLinesFileOptions = {}): FeedbackStore {
  const file = createJsonLinesFile<FeedbackRecord>(filePath, options);
  return { record: (entry) => file.append(entry), readAll: () => file.readAll() };
}
