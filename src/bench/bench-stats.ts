// Summaries of repeated measurements. Nearest-rank percentiles: every figure is a latency that happened.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";

export interface LatencySummary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** The p-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const mean = values.length ? values.reduce((s, v) => s + v, 0) / values.length : Number.NaN;
  return {
    n: values.length,
    p50: roundTo(percentile(values, 50), 2),
    p95: roundTo(percentile(values, 95), 2),
    p99: roundTo(percentile(values, 99), 2),
    mean: roundTo(mean, 2),
    max: roundTo(values.length ? Math.max(...values) : Number.NaN, 2),
  };
}

/** Peak resident memory of this process so far, in MB (the kernel's high-water mark, not the current figure). */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Times an async step in milliseconds. */
export async function timeAsync<T>(step: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await step();
  return { value, ms: performance.now() - started };
}

/** Total size of the files directly in `dir` (an index generation is flat). */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(path.join(dir, name))).size;
  return total;
}
