// The corpus adapter as the index build sees it (its CorpusReader port).
import type { CorpusReader } from "../index/build-index.js";
import { listCorpusFiles, parseCorpusFile, readCorpusFile, type CorpusFile } from "./index.js";

export const corpusReader: CorpusReader<CorpusFile> = {
  listFiles: listCorpusFiles,
  readFile: (file) => readCorpusFile(file),
  parseFile: parseCorpusFile,
};
