// `npm run bench [-- --sizes 1000,10000,100000] [--queries 200] [--repeat 3] [--json] [--no-doc] [--no-cold-start]
// [--tune 10000 [--tune-m 16,32] [--tune-efc 100] [--tune-ef 128,256] [--tune-batch 64]]`: the performance
// benchmark, side by side with the plain LangChain recipe; writes docs/performance.md.
import { existsSync, realpathSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatBenchReport, formatPerformanceDoc } from "../bench/format-bench-report.js";
import { DatasetMissingError } from "../bench/make-bench-corpus.js";
import { DEFAULT_QUERIES, DEFAULT_SIZES, runBenchmark } from "../bench/run-benchmark.js";
import { runCli, UsageError, type CliIo } from "./cli-io.js";

/** The folder holding Newsdesk's package.json, from wherever this module runs (src/ or dist/src/). */
export function findProjectRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = path.dirname(from);
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/**
 * The news-eval folder, `given` or ../shared/datasets/news-eval beside the project, with every symbolic link
 * resolved: the bench and its test (which skips when the folder is absent) both take the path from here, so
 * a ../shared that is a link to the data is read the same way on both sides. Unresolved when it is missing.
 */
export function resolveDatasetDir(root: string, given?: string): string {
  const dir = path.resolve(root, given ?? "../shared/datasets/news-eval");
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

export const BENCH_USAGE = `Usage: npm run bench [-- options]

Measures indexing and answering speed on copies of the news-eval dataset, side by side with the plain
LangChain recipe, and writes docs/performance.md.

  --sizes N,N,...    corpus sizes in passages (default ${DEFAULT_SIZES.join(",")})
  --queries N        questions per size (default ${DEFAULT_QUERIES})
  --repeat N         runs of each measure
  --json             print the report as JSON
  --dataset DIR      the news-eval folder (default ../shared/datasets/news-eval)
  --doc FILE         where to write the report (default docs/performance.md)
  --no-doc           write no report file
  --no-cold-start    skip the cold-start measure
  --isolation MODE   "process" (each phase in a fresh process, the default) or "inline"
  --keep             keep the temporary corpora and indexes
  --tune N           also tune HNSW at N passages: --tune-m, --tune-efc, --tune-ef, --tune-batch (lists)
  -h, --help         show this help`;

function parseCount(name: string, value: string, min: number): number {
  const n = Number(value.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes whole numbers of at least ${min}, got "${value}".`);
  return n;
}

export function runBench(argv: string[], io: CliIo): Promise<number> {
  return runCli(
    io,
    async () => {
      const { values } = parseArgs({
        args: argv,
        options: {
          sizes: { type: "string" },
          queries: { type: "string" },
          json: { type: "boolean", default: false },
          tune: { type: "string" },
          dataset: { type: "string" },
          doc: { type: "string" },
          "no-doc": { type: "boolean", default: false },
          "no-cold-start": { type: "boolean", default: false },
          isolation: { type: "string", default: "process" },
          keep: { type: "boolean", default: false },
          repeat: { type: "string" },
          "tune-m": { type: "string" },
          "tune-efc": { type: "string" },
          "tune-ef": { type: "string" },
          "tune-batch": { type: "string" },
        },
      });
      const sizes = values.sizes ? values.sizes.split(",").map((s) => parseCount("sizes", s.trim(), 10)) : DEFAULT_SIZES;
      const queries = values.queries ? parseCount("queries", values.queries, 1) : DEFAULT_QUERIES;
      if (values.isolation !== "process" && values.isolation !== "inline") {
        throw new UsageError(`--isolation takes "process" (each phase in a fresh process, the default) or "inline", got "${values.isolation}".`);
      }
      const list = (name: string, value: string | undefined) => value?.split(",").map((s) => parseCount(name, s.trim(), 1));
      const tuneGrid = {
        ...(values["tune-m"] && { m: list("tune-m", values["tune-m"]) }),
        ...(values["tune-efc"] && { efConstruction: list("tune-efc", values["tune-efc"]) }),
        ...(values["tune-ef"] && { ef: list("tune-ef", values["tune-ef"]) }),
        ...(values["tune-batch"] && { batchSizes: list("tune-batch", values["tune-batch"]) }),
      };
      const root = findProjectRoot();
      const datasetDir = resolveDatasetDir(root, values.dataset);
      if (!existsSync(datasetDir)) {
        io.stderr.write(`The news-eval dataset is not at ${datasetDir}: nothing to benchmark. Pass --dataset DIR to point at it.\n`);
        return 0;
      }
      const status = (line: string) => io.stderr.write(`${line}\n`);
      let report: Awaited<ReturnType<typeof runBenchmark>>;
      try {
        report = await runBenchmark({
          sizes,
          queries,
          datasetDir,
          isolation: values.isolation,
          tuneAt: values.tune ? parseCount("tune", values.tune, 10) : undefined,
          tuneGrid,
          coldStartRoot: values["no-cold-start"] ? undefined : root,
          keepTemp: values.keep,
          repeat: values.repeat ? parseCount("repeat", values.repeat, 1) : undefined,
          onStatus: status,
        });
      } catch (error) {
        if (error instanceof DatasetMissingError) {
          io.stderr.write(`${error.message} Nothing to benchmark.\n`);
          return 0;
        }
        throw error;
      }
      io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatBenchReport(report));
      if (!values["no-doc"]) {
        const doc = path.resolve(root, values.doc ?? "docs/performance.md");
        const previous = await readFile(doc, "utf8").catch(() => "");
        await mkdir(path.dirname(doc), { recursive: true });
        await writeFile(doc, formatPerformanceDoc(report, previous));
        status(`wrote ${path.relative(process.cwd(), doc) || doc}`);
      }
      return 0;
    },
    { argv, usage: BENCH_USAGE },
  );
}
