// Structured logs (pino), fields first: log.info({ question_id, ms }, "answered").
import { pino, destination, type Logger } from "pino";

export type { Logger };

/** Logs go to stderr so that stdout stays clean for answers and JSON. */
export function createLogger(level: string = "info"): Logger {
  return pino({ level, base: undefined, redact: { paths: ["token", "*.token", "apiKey", "*.apiKey"], censor: "[redacted]" } }, destination(2));
}

/** A logger that drops everything, for tests and quiet front ends. */
export function createSilentLogger(): Logger {
  return pino({ level: "silent" });
}
