// A logger whose lines a test can read: one copy for every suite (unit tests import it without the emulator).
import { pino } from "pino";
import type { Logger } from "../../src/base/log.js";

export interface CapturedLog {
  log: Logger;
  /** Every line as pino wrote it (raw JSON text), for greps. */
  raw: string[];
  /** The same lines, parsed. */
  lines(): Array<Record<string, unknown>>;
}

/** A logger whose every line is kept for the test to read. */
export function captureLog(level = "debug"): CapturedLog {
  const raw: string[] = [];
  const log = pino({ level, base: undefined }, { write: (line: string) => void raw.push(line) });
  return { log, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
