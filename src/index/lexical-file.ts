// The BM25 index of a generation on disk (lexical.bin): written by the build, read by the loader.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { deserializeLexicalIndex, serializeLexicalIndex } from "../core/lexical/lexical-codec.js";
import { buildLexicalIndex, type LexicalIndex } from "../core/lexical/lexical-index.js";
import type { Passage } from "../core/types.js";
import { IndexError } from "./index-layout.js";

export const LEXICAL_FILE = "lexical.bin";

/** Writes the lexical index of a generation; used by the index build as its ExtraWriter. */
export async function writeLexicalIndex(
  generationDir: string,
  passages: Array<Pick<Passage, "text" | "title"> & { label: number }>,
): Promise<string[]> {
  const index = buildLexicalIndex(passages.map((p) => ({ id: String(p.label), text: p.text, title: p.title })));
  await writeFile(path.join(generationDir, LEXICAL_FILE), serializeLexicalIndex(index));
  return [LEXICAL_FILE];
}

export async function readLexicalIndex(dir: string): Promise<LexicalIndex> {
  const file = path.join(dir, LEXICAL_FILE);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch {
    throw new IndexError(`The index file ${file} is missing. Run \`npm run index -- --rebuild\` to build it again.`);
  }
  try {
    return deserializeLexicalIndex(bytes);
  } catch {
    throw new IndexError(`The index file ${file} is damaged. Run \`npm run index -- --rebuild\` to build it again.`);
  }
}
