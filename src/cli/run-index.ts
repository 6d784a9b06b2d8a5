// `npm run index [-- --rebuild] [--json] [--strict] [--progress-json]`: build or refresh the index, with
// progress on a terminal, or as JSON lines on stderr for a program watching the build (the bot's /reindex).
import path from "node:path";
import { parseArgs } from "node:util";
import { buildConfiguredIndex } from "../app/open-pipeline.js";
import type { BuildProgress, BuildSummary } from "../index/build-index.js";
import { configFor, plural, runCli, type CliIo } from "./cli-io.js";

export const INDEX_USAGE = `Usage: npm run index [-- options]

Builds the index of the articles in CORPUS_DIR (default corpus/) into INDEX_DIR (default data/index), or
refreshes it: only new or changed files are read and embedded again. Progress shows on a terminal.

  --rebuild         build from scratch
  --json            print the summary as JSON (see README.md, "JSON output")
  --strict          exit 1 when a file was skipped
  --corpus DIR      index another folder instead, into its own folder under DATA_DIR/indexes/
  --progress-json   progress as JSON lines on stderr, for a program watching the build
  -h, --help        show this help`;

export function formatProgress(p: BuildProgress, started: number): string {
  const seconds = (performance.now() - started) / 1000;
  // A fresh build embeds while it reads: until the last file, reading is the measure of progress.
  if (p.phase === "reading" || (p.phase !== "writing" && p.files < p.totalFiles)) {
    return `reading  ${p.files}/${p.totalFiles} files, ${plural(p.passages, "passage")}, ${p.embedded} embedded`;
  }
  if (p.phase === "embedding" || p.phase === "inserting") {
    const rate = p.embedded / Math.max(seconds, 0.001);
    const eta = rate > 0 ? Math.ceil((p.toEmbed - p.embedded) / rate) : 0;
    const width = 24;
    const filled = Math.round((p.embedded / Math.max(p.toEmbed, 1)) * width);
    return `embedding [${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.embedded}/${p.toEmbed} passages, ${rate.toFixed(0)}/s, ETA ${eta}s`;
  }
  return `writing the index (${plural(p.embedded, "new passage")})...`;
}

/**
 * Draws build progress on one terminal line of stderr, at most every 100 ms; `clear` wipes it before the
 * summary or the answer. Used by `npm run index` and by an `ask` or `search` that builds the missing index.
 */
export function createTerminalProgress(io: CliIo, started = performance.now()) {
  let lastDraw = 0;
  let drawn = false;
  return {
    draw(p: BuildProgress): void {
      const now = performance.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      drawn = true;
      io.stderr.write(`\r\x1b[2K${formatProgress(p, started)}`);
    },
    clear(): void {
      if (drawn) io.stderr.write("\r\x1b[2K");
      drawn = false;
    },
  };
}

export function formatSummary(s: BuildSummary, indexDir?: string): string {
  const skipped = s.skipped.length ? `, ${s.skipped.length} skipped` : "";
  const head = s.changed ? "Indexed" : "Index up to date:";
  const lines = [
    `${head} ${plural(s.files, "file")}, ${plural(s.articles, "article")}, ${plural(s.chunks, "passage")} (${s.embedded} embedded, ${s.reused} reused, ${s.removed} removed${skipped}) in ${s.seconds}s.`,
  ];
  for (const k of s.skipped) lines.push(`  skipped ${k.source}: ${k.reason}`);
  if (indexDir !== undefined) lines.push(s.changed ? `Index written to ${indexDir}` : `Index unchanged in ${indexDir}`);
  return lines.join("\n");
}

/** One line of `--progress-json` output on stderr. */
export interface ProgressLine {
  progress: BuildProgress & { seconds: number /** Passages embedded per second so far. */; rate: number };
}

/**
 * Writes progress as JSON lines: the first of each phase, then at most one every 200 ms (a fresh build
 * alternates reading, embedding and inserting thousands of times).
 */
function createJsonProgress(io: CliIo, started: number): (p: BuildProgress) => void {
  const seen = new Set<string>();
  let lastWrite = 0;
  return (p) => {
    const now = performance.now();
    if (seen.has(p.phase) && now - lastWrite < 200) return;
    seen.add(p.phase);
    lastWrite = now;
    const seconds = (now - started) / 1000;
    const line: ProgressLine = {
      progress: { ...p, seconds: Math.round(seconds * 100) / 100, rate: Math.round(p.embedded / Math.max(seconds, 0.001)) },
    };
    io.stderr.write(`${JSON.stringify(line)}\n`);
  };
}

export function runIndex(argv: string[], io: CliIo): Promise<number> {
  return runCli(
    io,
    async () => {
      const { values } = parseArgs({
        args: argv,
        options: {
          rebuild: { type: "boolean", default: false },
          json: { type: "boolean", default: false },
          strict: { type: "boolean", default: false },
          corpus: { type: "string" },
          "progress-json": { type: "boolean", default: false },
        },
      });
      const config = configFor(io, values.corpus);
      const started = performance.now();
      const tty = Boolean(io.stderr.isTTY) && !values.json && !values["progress-json"];
      const terminal = createTerminalProgress(io, started);
      let summary: Awaited<ReturnType<typeof buildConfiguredIndex>>;
      try {
        summary = await buildConfiguredIndex(config, {
          rebuild: values.rebuild,
          onProgress: values["progress-json"] ? createJsonProgress(io, started) : tty ? terminal.draw : undefined,
        });
      } finally {
        terminal.clear();
      }
      const { changed: _changed, ...contract } = summary;
      io.stdout.write(values.json ? `${JSON.stringify(contract)}\n` : `${formatSummary(summary, path.resolve(config.INDEX_DIR))}\n`);
      if (values.corpus && !values.json && io.env.INDEX_DIR) {
        // INDEX_DIR is CORPUS_DIR's index (the bot's): another corpus must not replace it, so it gets its own folder.
        io.stderr.write(
          `(--corpus indexes into its own folder under DATA_DIR; INDEX_DIR=${io.env.INDEX_DIR} is the index of CORPUS_DIR and was left as it is.)\n`,
        );
      }
      return values.strict && summary.skipped.length > 0 ? 1 : 0;
    },
    { argv, usage: INDEX_USAGE },
  );
}
