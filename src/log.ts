// Structured logs (pino), fields first: log.info({ question_id, ms }, "answered").
import { destination, pino, stdSerializers, type DestinationStream, type Logger } from "pino";

export type { Logger };

// Interaction and webhook tokens ride in Discord URLs (…/webhooks/<app>/<token>/…); errors quote those URLs.
const URL_TOKEN = /(\/(?:webhooks|interactions)\/\d+\/)[\w.-]{20,}/g;

// user:password@ inside any URL (OPENAI_BASE_URL=https://user:pass@host/v1 is echoed by fetch errors).
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(?::[^\s/@]*)?@/gi;
// API keys as providers shape them (OpenAI sk-…, sk-proj-…, Anthropic sk-ant-…), which their 401s may echo.
const API_KEY = /\bsk-[A-Za-z0-9_-]{16,}/g;
// A Discord bot token: three base64url parts, the first the bot's id.
const DISCORD_TOKEN_SHAPE = /\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}/g;

/** Removes credentials that may sit inside an error's message, stack, request URL or a mistyped setting. */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_TOKEN, "$1[redacted]")
    .replace(/(Bot |Bearer )[\w.-]{20,}/g, "$1[redacted]")
    .replace(URL_USERINFO, "$1[redacted]@")
    .replace(API_KEY, "sk-[redacted]")
    .replace(DISCORD_TOKEN_SHAPE, "[redacted]");
}

function serializeError(error: Error): Record<string, unknown> {
  const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(serialized)) {
    if (typeof value === "string") serialized[key] = redactSecrets(value);
  }
  return serialized;
}

/** Logs go to stderr (or `stream`, for tests) so that stdout stays clean for answers and JSON. */
export function createLogger(level: string = "info", stream: DestinationStream = destination(2)): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ["token", "*.token", "apiKey", "*.apiKey", "headers.authorization", "*.headers.authorization"], censor: "[redacted]" },
      serializers: { err: serializeError, error: serializeError },
    },
    stream,
  );
}

/** A logger that drops everything, for tests and quiet front ends. */
export function createSilentLogger(): Logger {
  return pino({ level: "silent" });
}
