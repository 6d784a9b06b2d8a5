// The one place secrets are recognised and hidden. Every log line (base/log.ts), every error a front end shows
// (the CLI's error boundary, npm start, deploy-commands, /reindex's child output) and every config error
// passes through here. Two nets: the values this process knows to be secrets, and the shapes credentials take.

/** Variables whose values are credentials: OPENAI_API_KEY, ANTHROPIC_API_KEY, DISCORD_TOKEN and their kind. */
const SECRET_NAME = /(?:_KEY|_TOKEN|_SECRET|_PASSWORD)$/;
/** Shorter values would blank out ordinary words (a placeholder key such as "none"); no real key is this short. */
const MIN_SECRET_CHARS = 8;
export const REDACTED = "[redacted]";

// user:password@ inside any URL (OPENAI_BASE_URL=https://user:pass@host/v1 is echoed by fetch errors).
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
// Interaction and webhook tokens ride in Discord URLs (…/webhooks/<app>/<token>/…); errors quote those URLs.
const URL_TOKEN = /(\/(?:webhooks|interactions)\/\d+\/)[\w.-]{20,}/g;
const AUTHORIZATION = /(Bot |Bearer )[\w.-]{20,}/g;
// API keys as providers shape them (OpenAI sk-…, sk-proj-…, Anthropic sk-ant-…), which their 401s may echo.
const API_KEY = /\bsk-[A-Za-z0-9_-]{16,}/g;
// A Discord bot token: three base64url parts, the first the bot's id.
const DISCORD_TOKEN_SHAPE = /\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}/g;

/**
 * The secrets an environment holds: the value of every variable named like a credential, and the user and
 * password inside any URL value. Read from the raw environment, so that they are known even when the
 * configuration is invalid. Longest first, so that a secret containing another is hidden whole.
 */
export function secretsIn(env: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const add = (value: string) => {
    for (const form of [value, value.trim(), decodeSafely(value)]) if (form.length >= MIN_SECRET_CHARS) found.add(form);
  };
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== "string") continue;
    if (SECRET_NAME.test(name)) add(value);
    for (const match of value.matchAll(/:\/\/([^\s/?#@]+)@/g)) {
      const userinfo = match[1]!;
      add(userinfo);
      const colon = userinfo.indexOf(":");
      if (colon >= 0) add(userinfo.slice(colon + 1));
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every known secret (as written, JSON-escaped or URL-encoded), URL credentials, Discord URL
 * tokens, Authorization values and key- or token-shaped words replaced by "[redacted]".
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])) {
      if (out.includes(form)) out = out.split(form).join(REDACTED);
    }
  }
  return out
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(URL_TOKEN, `$1${REDACTED}`)
    .replace(AUTHORIZATION, `$1${REDACTED}`)
    .replace(API_KEY, `sk-${REDACTED}`)
    .replace(DISCORD_TOKEN_SHAPE, REDACTED);
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
