// 👍/👎 on answers, appended to a JSON Lines file (bounded, rotated): each record is one write of one whole line.
import type { FeedbackRecord, FeedbackStore } from "../discord/bot-ports.js";
import { createJsonLinesFile, type JsonLinesFileOptions } from "./json-lines-file.js";

export function createFeedbackStore(filePath: string, options: JsonLinesFileOptions = {}): FeedbackStore {
  const file = createJsonLinesFile<FeedbackRecord>(filePath, options);
  return { record: (entry) => file.append(entry), readAll: () => file.readAll() };
}
