// The corpus adapter as the index build sees it (its CorpusReader port).
import type { Config } from "../base/config.js";
import type { CorpusReader } from "../index/build-index.js";
import { listCorpusFiles, parseCorpusFile, readCorpusFile, type CorpusFile, type ListCorpusOptions } from "./index.js";

/** A reader whose listing always leaves out `options.skipFolders`, plus any the build adds (its INDEX_DIR). */
export function createCorpusReader(options: ListCorpusOptions = {}): CorpusReader<CorpusFile> {
  return {
    listFiles: (dir, extra) => listCorpusFiles(dir, { ...options, skipFolders: [...(options.skipFolders ?? []), ...(extra?.skipFolders ?? [])] }),
    readFile: (file) => readCorpusFile(file),
    parseFile: parseCorpusFile,
  };
}

/** The reader for a configuration: the index and data folders are never corpus, even inside CORPUS_DIR. */
export function createConfiguredCorpusReader(
  config: Pick<Config, "INDEX_DIR" | "DATA_DIR" | "CORPUS_FOLLOW_LINKS_OUTSIDE">,
): CorpusReader<CorpusFile> {
  return createCorpusReader({ skipFolders: [config.INDEX_DIR, config.DATA_DIR], followLinksOutside: config.CORPUS_FOLLOW_LINKS_OUTSIDE });
}

/** Defaults: links outside the corpus are not followed; no folder is left out but the build's own index. */
export const corpusReader: CorpusReader<CorpusFile> = createCorpusReader();
