// How a Newsdesk passage looks to LangChain: a Document whose metadata says where the text came from, in
// the shape LangChain's own loaders and splitters use (`source`, `loc.lines`).
import { Document } from "@langchain/core/documents";
import type { Passage } from "../core/types.js";

export interface PassageMetadata {
  /** The passage id, for "show me that passage" (Pipeline.getPassage). */
  id: string;
  /** Path of the article inside the corpus folder. */
  source: string;
  title: string;
  url?: string;
  date?: string;
  loc: { lines: { from: number; to: number } };
  /** The retriever's score (higher is better); comparable within one result list only. */
  score: number;
}

export function toPassageDocument(passage: Passage, score: number): Document<PassageMetadata> {
  const { id, source, title, url, date, lines } = passage;
  const metadata: PassageMetadata = { id, source, title, loc: { lines: { from: lines[0], to: lines[1] } }, score };
  if (url) metadata.url = url;
  if (date) metadata.date = date;
  return new Document({ pageContent: passage.text, metadata, id });
}
