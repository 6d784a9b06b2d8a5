// The environment, parsed once. Every variable is listed in .env.example and README.md.
import { z } from "zod";
import { PersonFacingError } from "../core/person-facing-error.js";
import { redactSecrets, secretsIn } from "./redact-secrets.js";

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");
const int = (min: number) => z.coerce.number().int().min(min);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const optionalUrl = optionalString.refine((v) => v === undefined || isHttpUrl(v), { message: "not an http:// or https:// URL" });

/** HNSW search breadth per shard: LangChain's HNSWLib leaves it at 10, which loses neighbours (docs/retrieval.md). */
export const DEFAULT_HNSW_EF = 512;
/** Texts per embedding request. */
export const DEFAULT_EMBEDDINGS_BATCH_SIZE = 256;

const schema = z.object({
  CORPUS_DIR: z.string().default("corpus"),
  INDEX_DIR: z.string().default("data/index"),
  DATA_DIR: z.string().default("data"),
  CORPUS_FOLLOW_LINKS_OUTSIDE: bool.default("false"),
  EMBEDDINGS_PROVIDER: z.enum(["local", "sentence", "openai"]).default("local"),
  EMBEDDINGS_MODEL: z.string().default("text-embedding-3-small"),
  EMBEDDINGS_BATCH_SIZE: int(1).default(DEFAULT_EMBEDDINGS_BATCH_SIZE),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_API_KEY: optionalString,
  LLM_PROVIDER: z.enum(["none", "openai", "anthropic"]).default("none"),
  LLM_MODEL: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  LLM_TIMEOUT_MS: int(100).default(20_000),
  LLM_MAX_TOKENS: int(16).default(512),
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0),
  HNSW_EF: int(10).default(DEFAULT_HNSW_EF),
  DISCORD_TOKEN: optionalString,
  DISCORD_CLIENT_ID: optionalString,
  DISCORD_GUILD_ID: optionalString,
  DISCORD_API_URL: optionalUrl,
  MESSAGE_CONTENT_INTENT: bool.default("false"),
  RATE_LIMIT_PER_MINUTE: int(1).default(6),
  MAX_CONCURRENT_ANSWERS: int(1).default(4),
  ADMIN_ROLE_IDS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_QUESTIONS: bool.default("false"),
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // Loopback by default: /metrics tells anyone who can reach it how the bot is used.
  HEALTH_HOST: z.string().trim().min(1).default("127.0.0.1"),
});

export type Config = z.infer<typeof schema>;

const HOW_TO_FIX: Partial<Record<keyof Config, string>> = {
  EMBEDDINGS_PROVIDER:
    "use 'local' (offline word hashing, the default), 'sentence' (offline sentence encoder) or 'openai' (any OpenAI-compatible /v1/embeddings server)",
  LLM_PROVIDER: "use 'none' (extractive answers, the default), 'openai' or 'anthropic'",
  LOG_LEVEL: "use one of fatal, error, warn, info, debug, trace, silent",
  OPENAI_BASE_URL: "use the server's base URL, e.g. http://127.0.0.1:11434/v1, or leave it empty for OpenAI itself",
  DISCORD_API_URL: "use the REST proxy's base URL (http:// or https://), or leave it empty for Discord itself",
};

export class ConfigError extends PersonFacingError {
  override name = "ConfigError";
}

/** Parses the environment (injectable for tests); throws a ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings in .env mean "not set", so that defaults apply.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const secrets = secretsIn(cleaned);
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as keyof Config;
      const hint = HOW_TO_FIX[name] ?? issue.message;
      return `${describeSetting(name, cleaned[name] ?? "", secrets)} is invalid: ${redactSecrets(hint, secrets)}. Fix it in .env or the environment (see .env.example).`;
    });
    throw new ConfigError(lines.join("\n"));
  }
  const config = parsed.data;
  if (config.LLM_PROVIDER === "openai" && !config.OPENAI_BASE_URL && !config.OPENAI_API_KEY) {
    throw new ConfigError(
      "LLM_PROVIDER=openai needs OPENAI_BASE_URL (a local OpenAI-compatible server) or OPENAI_API_KEY (OpenAI itself). Set one in .env, or use LLM_PROVIDER=none.",
    );
  }
  if (config.LLM_PROVIDER === "anthropic" && !config.ANTHROPIC_API_KEY) {
    throw new ConfigError("LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY. Set it in .env, or use LLM_PROVIDER=none.");
  }
  if (config.EMBEDDINGS_PROVIDER === "openai" && !config.OPENAI_BASE_URL && !config.OPENAI_API_KEY) {
    throw new ConfigError("EMBEDDINGS_PROVIDER=openai needs OPENAI_BASE_URL or OPENAI_API_KEY. Set one in .env, or use EMBEDDINGS_PROVIDER=local.");
  }
  return config;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

// A token or key pasted into the wrong variable: one long word of token characters, letters and digits mixed.
// URLs, names and numbers (what the other variables take) have a ":" or "/", or are short, or are one kind.
const CREDENTIAL_LIKE = /^(?=.*\d)(?=.*[a-z])[\w.~+=-]{24,}$/i;

/** `NAME="value"` for a config error; the value is shown only when it cannot be a secret. */
function describeSetting(name: string, value: string, secrets: readonly string[]): string {
  const trimmed = value.trim();
  if (/TOKEN|KEY|SECRET|PASSWORD/.test(name) || secrets.includes(trimmed) || CREDENTIAL_LIKE.test(trimmed)) {
    return `${name} (its value looks like a key or token, so it is not shown)`;
  }
  return `${name}=${JSON.stringify(redactSecrets(value, secrets))}`;
}
