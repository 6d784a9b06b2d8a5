// Corpus loading: files on disk → Articles whose every body line knows the file lines it came from.
// listCorpusFiles → readCorpusFile → parseCorpusFile; only the first two touch the disk.
// Choices worth knowing: hidden entries are reported (not silently dropped) so `--strict` sees them; folder
// links back into the corpus are reported, not followed; .txt/.md/.html over 20 MB and .json/.jsonl over
// 200 MB are skipped with a reason; the title falls back to the file name.
export { decodeText } from "./decode-text.js";
export { CorpusFolderError, listCorpusFiles, type CorpusFile, type ListCorpusOptions } from "./list-corpus-files.js";
export { normalizeDate } from "./normalize-date.js";
export { parseCorpusFile } from "./parse-corpus-file.js";
export { MAX_ARTICLE_FILE_BYTES, readCorpusFile } from "./read-corpus-file.js";
