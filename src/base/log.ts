// Structured logs (pino), fields first: log.info({ question_id, ms }, "answered").
import { destination, pino, stdSerializers, type DestinationStream, type Logger } from "pino";
import { redactSecrets } from "./redact-secrets.js";

export type { Logger };
export { redactSecrets, secretsIn } from "./redact-secrets.js";

/**
 * Logs go to stderr (or `stream`, for tests) so that stdout stays clean for answers and JSON. Each line is
 * passed through redactSecrets as written, so no field, message or stack can carry one of `secrets` (pass
 * `secretsIn(env)`), a URL's credentials or a key-shaped word.
 */
export function createLogger(level: string = "info", stream: DestinationStream = destination(2), secrets: readonly string[] = []): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ["token", "*.token", "apiKey", "*.apiKey", "headers.authorization", "*.headers.authorization"], censor: "[redacted]" },
      serializers: { err: stdSerializers.err, error: stdSerializers.err },
      hooks: { streamWrite: (line) => redactSecrets(line, secrets) },
    },
    stream,
  );
}

/** A logger that drops everything, for tests and quiet front ends. */
export function createSilentLogger(): Logger {
  return pino({ level: "silent" });
}
