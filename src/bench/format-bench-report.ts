// The benchmark report as Markdown tables (stdout and docs/performance.md share them) and the check of the
// issue's targets against the largest size measured.
import type { BenchReport, SizeReport } from "./run-benchmark.js";

export const NOTES_START = "<!-- notes:start -->";
export const NOTES_END = "<!-- notes:end -->";

type Row = [label: string, ...cells: string[]];

const num = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "–";
const mb = (bytes: number) => num(bytes / 1024 ** 2, 1);
const pct = (fraction: number) => `${num(fraction * 100, 1)}%`;
const times = (value: number) => `${num(value, 2)}×`;
const sizeName = (n: number) =>
  n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);

function table(head: string[], rows: Row[]): string {
  const lines = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

function bySize(report: BenchReport, cell: (s: SizeReport) => string, label: string): Row {
  return [label, ...report.sizes.map(cell)];
}

export function formatNewsdeskTable(report: BenchReport): string {
  const ef = report.settings.hnsw.ef;
  const row = (label: string, cell: (s: SizeReport) => string) => bySize(report, cell, label);
  const otherEfs = (s: SizeReport) =>
    Object.entries(s.serve.recallAt10ByEf)
      .filter(([e]) => Number(e) !== ef)
      .map(([e, r]) => `${num(r, 3)} (ef ${e})`)
      .join(", ");
  return table(
    ["Newsdesk", ...report.sizes.map((s) => `${sizeName(s.target)} target`)],
    [
      row("passages (distinct vectors) / files", (s) => `${num(s.build.passages)} (${num(s.build.vectors)}) / ${num(s.build.files)}`),
      row("build, total s", (s) => num(s.build.seconds, 2)),
      row("· reading + chunking s", (s) => num(s.build.phases.readingChunking, 2)),
      row("· embedding s", (s) => num(s.build.phases.embedding, 2)),
      row("· HNSW insertion (main thread waiting for it) s", (s) => num(s.build.phases.inserting, 2)),
      row("· writing (HNSW, passages, lexical, checksums) s", (s) => num(s.build.phases.writing, 2)),
      row("passages / s", (s) => num(s.build.passagesPerSecond)),
      row("index on disk MB", (s) => mb(s.build.indexBytes)),
      row("peak RSS building MB", (s) => num(s.build.peakRssMb)),
      row("index load ms", (s) => num(s.serve.loadMs)),
      row("search p50 / p95 / p99 ms", (s) => `${num(s.serve.search.p50, 1)} / ${num(s.serve.search.p95, 1)} / ${num(s.serve.search.p99, 1)}`),
      row("· HNSW part (k 50) p50 / p95 ms", (s) => `${num(s.serve.denseSearch.p50, 2)} / ${num(s.serve.denseSearch.p95, 2)}`),
      row("ask p50 / p95 ms", (s) => `${num(s.serve.ask.p50, 1)} / ${num(s.serve.ask.p95, 1)}`),
      row("peak RSS serving MB", (s) => num(s.serve.peakRssMb)),
      row(`recall@10 vs exact (ef ${ef})`, (s) => num(s.serve.recallAt10, 3)),
      row("· at other ef", otherEfs),
      row("re-index, no change s (of build)", (s) => `${num(s.reindex.noChangeSeconds, 2)} (${pct(s.reindex.noChangeFraction)})`),
      row("re-index, one file changed s (of build)", (s) => `${num(s.reindex.oneFileSeconds, 2)} (${pct(s.reindex.oneFileFraction)})`),
      row("· passages re-embedded (article has)", (s) => `${s.reindex.oneFileEmbedded} (${s.corpus.probePassages})`),
      row(
        "event loop p99 / max ms, concurrent asks",
        (s) =>
          `${num(s.serve.eventLoop.p99Ms)} / ${num(s.serve.eventLoop.maxMs)}, ${s.serve.eventLoop.answered}/${s.serve.eventLoop.concurrentAsks} answered`,
      ),
      row("qa-dev hit@5 (article level)", (s) => `${num(s.serve.hitAt5.rate, 3)} (${s.serve.hitAt5.hits}/${s.serve.hitAt5.total})`),
    ],
  );
}

export function formatRecipeTable(report: BenchReport): string {
  const row = (label: string, cell: (s: SizeReport) => string) => bySize(report, cell, label);
  const ef = report.settings.hnsw.ef;
  return table(
    ["Plain LangChain recipe, same corpus and embedder", ...report.sizes.map((s) => `${sizeName(s.target)} target`)],
    [
      row("chunks (RecursiveCharacterTextSplitter 1000/200)", (s) => num(s.recipe.chunks)),
      row("build, total s", (s) => num(s.recipe.seconds, 2)),
      row("· loading + splitting / embedding / insertion / saving s", (s) => {
        const p = s.recipe.phases;
        return `${num(p.loadingSplitting, 2)} / ${num(p.embedding, 2)} / ${num(p.inserting, 2)} / ${num(p.writing, 2)}`;
      }),
      row("**build throughput, Newsdesk ÷ recipe** (same corpus)", (s) => `**${times(s.ratios.buildThroughput)}**`),
      row("peak RSS building MB", (s) => num(s.recipe.peakRssMb)),
      row("index on disk MB", (s) => mb(s.recipe.indexBytes)),
      row(
        "similaritySearch(q, 10) p50 / p95 / p99 ms",
        (s) => `${num(s.recipe.search.p50, 2)} / ${num(s.recipe.search.p95, 2)} / ${num(s.recipe.search.p99, 2)}`,
      ),
      row("**search latency, Newsdesk ÷ recipe** p50 / p95", (s) => `**${times(s.ratios.searchP50)} / ${times(s.ratios.searchP95)}**`),
      row(
        `recall@10 vs exact: recipe (ef ${report.sizes[0]?.recipe.ef ?? 10}) → Newsdesk (ef ${ef})`,
        (s) => `${num(s.recipe.recallAt10, 3)} → ${num(s.serve.recallAt10, 3)}`,
      ),
      row(`· recipe's graph searched at ef ${ef}`, (s) => num(s.recipe.recallAt10ByEf[ef] ?? Number.NaN, 3)),
      row("qa-dev hit@5: recipe → Newsdesk", (s) => `${num(s.recipe.hitAt5.rate, 3)} → ${num(s.serve.hitAt5.rate, 3)} (of ${s.serve.hitAt5.total})`),
    ],
  );
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

/** The issue's targets, checked at the largest size measured (they are stated for 100k passages). */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const s = report.sizes.at(-1);
  if (!s) return [];
  const checks: TargetCheck[] = [
    { target: "search p95 ≤ 20 ms", measured: `${num(s.serve.search.p95, 1)} ms (p50 ${num(s.serve.search.p50, 1)})`, met: s.serve.search.p95 <= 20 },
    { target: "extractive ask p95 ≤ 60 ms", measured: `${num(s.serve.ask.p95, 1)} ms (p50 ${num(s.serve.ask.p50, 1)})`, met: s.serve.ask.p95 <= 60 },
    { target: "recall@10 ≥ 0.98 vs exact search", measured: `${num(s.serve.recallAt10, 3)} at ef ${s.serve.ef}`, met: s.serve.recallAt10 >= 0.98 },
    { target: "index load ≤ 2 s", measured: `${num(s.serve.loadMs / 1000, 2)} s`, met: s.serve.loadMs <= 2000 },
    { target: "peak RSS ≤ 1.5 GB building", measured: `${num(s.build.peakRssMb)} MB`, met: s.build.peakRssMb <= 1536 },
    { target: "peak RSS ≤ 1 GB serving", measured: `${num(s.serve.peakRssMb)} MB`, met: s.serve.peakRssMb <= 1024 },
    { target: "build throughput ≥ 1.5× the recipe's", measured: times(s.ratios.buildThroughput), met: s.ratios.buildThroughput >= 1.5 },
    {
      target: "recall higher than the recipe's defaults",
      measured: `${num(s.serve.recallAt10, 3)} vs ${num(s.recipe.recallAt10, 3)}`,
      met: s.serve.recallAt10 > s.recipe.recallAt10,
    },
    {
      target: "re-index with no change ≤ 5% of the full build",
      measured: `${pct(s.reindex.noChangeFraction)} (${num(s.reindex.noChangeSeconds, 2)} s)`,
      met: s.reindex.noChangeFraction <= 0.05,
    },
    {
      target: "one changed article re-embeds only its passages",
      measured: `${s.reindex.oneFileEmbedded} embedded (article has ${s.corpus.probePassages}); ${pct(s.reindex.oneFileFraction)} of the build`,
      met: s.reindex.oneFileEmbedded <= s.corpus.probePassages + 1,
    },
    {
      target: "event-loop delay p99 < 100 ms, 50 concurrent asks",
      measured: `${num(s.serve.eventLoop.p99Ms)} ms (max ${num(s.serve.eventLoop.maxMs)}); ${s.serve.eventLoop.answered}/${s.serve.eventLoop.concurrentAsks} answered`,
      met: s.serve.eventLoop.p99Ms < 100 && s.serve.eventLoop.answered === s.serve.eventLoop.concurrentAsks,
    },
    {
      target: "bot ready ≤ 3 s (index load, the part that grows with the corpus)",
      measured: `${num(s.serve.loadMs / 1000, 2)} s`,
      met: s.serve.loadMs <= 3000,
    },
  ];
  const cold = report.coldStart;
  if (cold && "medianMs" in cold) {
    checks.push({
      target: "cold start `npm run ask` ≤ 1.5 s",
      measured: `${num(cold.medianMs)} ms median of ${cold.runs} (max ${num(cold.maxMs)})`,
      met: cold.medianMs <= 1500,
    });
  } else if (cold) {
    checks.push({ target: "cold start `npm run ask` ≤ 1.5 s", measured: `not measured: ${cold.skipped}`, met: null });
  }
  return checks;
}

export function formatTargets(report: BenchReport): string {
  const s = report.sizes.at(-1);
  if (!s) return "";
  const mark = (met: boolean | null) => (met === null ? "–" : met ? "met" : "**not met**");
  return table(
    [`Target (checked at the ${num(s.build.passages)}-passage corpus)`, "measured", ""],
    checkTargets(report).map((c) => [c.target, c.measured, mark(c.met)]),
  );
}

export function formatTuning(report: BenchReport): string {
  const t = report.tuning;
  if (!t) return "";
  const efs = t.graphs[0]?.byEf.map((e) => e.ef) ?? [];
  const graphs = table(
    ["M", "efConstruction", "insert s", ...efs.map((ef) => `ef ${ef}: R@10 / R@50 / p50 ms`)],
    t.graphs.map(
      (g) =>
        [
          String(g.m),
          String(g.efConstruction),
          num(g.insertSeconds, 2),
          ...g.byEf.map((e) => `${num(e.recallAt10, 3)} / ${num(e.recallAt50, 3)} / ${num(e.p50Ms, 2)}`),
        ] as Row,
    ),
  );
  const batches = table(
    ["embedding batch size", "passages / s", "ms per batch (event loop blocked)"],
    t.batches.map((b) => [String(b.batchSize), num(b.passagesPerSecond), num(b.msPerBatch, 1)] as Row),
  );
  return `${graphs}\n\n${batches}`;
}

function describeSetup(report: BenchReport): string {
  const m = report.machine;
  const st = report.settings;
  return [
    `Run on ${report.date.slice(0, 10)} (${report.date}); ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB memory, Node ${m.node}, ${m.platform}.`,
    `Embedder \`${st.embedder}\` (batch ${st.embeddingBatchSize}); HNSW M ${st.hnsw.m}, efConstruction ${st.hnsw.efConstruction}, ef ${st.hnsw.ef}; ` +
      `chunking ${st.chunking.targetChars}/${st.chunking.maxChars} chars, ${st.chunking.overlapSentences} sentence overlap; ${st.queries} queries per size; ` +
      `${st.repeat > 1 ? `full builds ${st.repeat}× each (median reported); ` : ""}` +
      `phases ${st.isolation === "process" ? "each in a fresh Node process" : "in one process"}.`,
  ].join("\n");
}

/** What `npm run bench` prints: the setup, then the tables. */
export function formatBenchReport(report: BenchReport): string {
  const parts = [describeSetup(report), formatNewsdeskTable(report), formatRecipeTable(report), formatTargets(report)];
  if (report.tuning)
    parts.push(`Tuning at ${num(report.tuning.passages)} passages (${num(report.tuning.vectors)} vectors):\n\n${formatTuning(report)}`);
  if (report.coldStart) {
    const c = report.coldStart;
    parts.push(
      "medianMs" in c
        ? `Cold start of the compiled \`npm run ask\`: ${num(c.medianMs)} ms median of ${c.runs} runs (max ${num(c.maxMs)}).`
        : `Cold start not measured: ${c.skipped}.`,
    );
  }
  return `${parts.filter(Boolean).join("\n\n")}\n`;
}

const METHOD = `## How it is measured

- **Corpora.** Passages of real news from \`../shared/datasets/news-eval/\` (the qa-dev gold articles first, then
  \`articles/\`, \`bbc/\` and \`pages/\`), copied into a temporary folder until the chunker's count reaches the size.
  The dataset holds about 49k passages; beyond that come "editions" of its articles in which every paragraph gains
  one sentence drawn from elsewhere in the dataset, so that every passage stays distinct (the index would merge
  exact duplicates) while lengths and vocabulary keep real statistics. Sizes are rounded up to the end of an article.
- **Isolation.** Each phase (build, serve, re-index, recipe) runs in a fresh Node process, so peak RSS
  (\`process.resourceUsage().maxRSS\`) and JIT state belong to that phase alone.
- **Build phases** are the main thread's time, from the builder's progress callbacks. A large build reads, chunks
  and embeds while worker threads insert into the HNSW shards, so the phases overlap the insertion: "HNSW
  insertion" is the time the main thread waits for room in the workers' queues, and "writing" includes the
  workers finishing their queues, then the shards, the passage store, the lexical index and the checksums.
- **Serving.** Load is \`openPipelineWithIndex\` (manifest, checksums, HNSW graph, passage store, lexical index). Search and ask
  latencies are sequential, after 10 warm-up queries: qa-dev's questions, then titles and sentences of the corpus's
  own articles. "HNSW part" is \`searchKnn\` alone for the dense channel's 50 candidates.
- **Recall@10** compares \`searchKnn(q, 10)\` with hnswlib's exact \`BruteforceSearch\` over the vectors read back
  from the same index (\`getPoint\`), for every query.
- **Event loop.** \`monitorEventLoopDelay\` (5 ms resolution) while 50 \`pipeline.ask\` calls run at once, directly
  on the pipeline (the Discord-emulator variant is not run).
- **Re-index** is \`npm run index\`'s builder run again on the unchanged corpus, then after one paragraph is appended
  to one article.
- **The recipe** is what the LangChain docs suggest: \`DirectoryLoader\` + \`TextLoader\`,
  \`RecursiveCharacterTextSplitter({ chunkSize: 1000, chunkOverlap: 200 })\`, \`HNSWLib.fromDocuments\`, \`save\`,
  \`similaritySearch(q, 10)\`, with the same embedder. Its ratios are Newsdesk ÷ recipe; build throughput is recipe
  seconds ÷ Newsdesk seconds on the same corpus.
- The machine is shared and noisy: read medians and ratios, not single figures. Speed is checked here, never by
  timed tests.`;

/** docs/performance.md: the run, the targets, the method; hand-written notes between the markers survive a re-run. */
export function formatPerformanceDoc(report: BenchReport, previousDoc = ""): string {
  const start = previousDoc.indexOf(NOTES_START);
  const end = previousDoc.indexOf(NOTES_END);
  const notes = start >= 0 && end > start ? previousDoc.slice(start, end + NOTES_END.length) : `${NOTES_START}\n${NOTES_END}`;
  const sections = [
    "# Performance",
    "Generated by `npm run bench` (`node dist/scripts/bench.js`); re-run it to refresh the figures below. Notes between the markers are kept.",
    describeSetup(report),
    "## Targets",
    formatTargets(report),
    "## Notes",
    notes,
    "## Newsdesk by corpus size",
    formatNewsdeskTable(report),
    "## Side by side with the plain LangChain recipe",
    formatRecipeTable(report),
  ];
  if (report.tuning) {
    sections.push(
      `## Tuning at ${num(report.tuning.passages)} passages`,
      "R@50 is recall with k = 50, the depth the dense channel searches; p50 is that search's latency.",
      formatTuning(report),
    );
  }
  if (report.coldStart) {
    const c = report.coldStart;
    sections.push(
      "## Cold start",
      "medianMs" in c
        ? `\`node dist/scripts/ask.js "${c.question}"\` on the starting corpus, its index built: ${num(c.medianMs)} ms median of ${c.runs} runs (max ${num(c.maxMs)}), spawn to exit.`
        : `Not measured: ${c.skipped}.`,
    );
  }
  sections.push(METHOD);
  return `${sections.join("\n\n")}\n`;
}
