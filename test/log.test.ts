import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactSecrets, secretsIn } from "../src/base/log.js";

describe("logging", () => {
  it("GIVEN an error that quotes an interaction URL THEN the token in it is not logged", () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger("info", stream as never);
    const token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTA";
    const error = Object.assign(new Error(`Unknown Webhook at /api/v10/webhooks/123456/${token}/messages/@original`), {
      url: `https://discord.com/api/v10/webhooks/123456/${token}/messages/@original`,
    });
    log.error({ err: error }, "edit failed");
    expect(lines.join("")).toContain("[redacted]");
    expect(lines.join("")).not.toContain(token);
  });

  it("GIVEN an authorization header value THEN it is redacted", () => {
    expect(redactSecrets("Authorization: Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.OTAxMjM0.NTY3ODkwMTIzNDU2Nzg5MDEy")).toBe("Authorization: Bot [redacted]");
  });
});

describe("redactSecrets", () => {
  const KEY = "sk-proj-Abc123Def456Ghi789Jkl012";
  const TOKEN = `${"MTIzNDU2Nzg5MDEyMzQ1Njc4"}.GhIjKl.${"a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5"}`;

  it("GIVEN a provider's 401 echoing the key, credentials in a base URL, or a bot token THEN none of them survives", () => {
    const text = redactSecrets(`401 Incorrect API key provided: ${KEY}. fetch https://alice:s3cret@llm.example/v1 failed; token ${TOKEN}`);
    for (const secret of [KEY, "s3cret", "alice:", TOKEN]) expect(text).not.toContain(secret);
    expect(text).toContain("https://[redacted]@llm.example/v1");
  });

  it("GIVEN a secret pasted into the wrong variable THEN the config error names the variable without the value", async () => {
    const { loadConfig } = await import("../src/base/config.js");
    expect(() => loadConfig({ LLM_PROVIDER: KEY })).toThrow(/LLM_PROVIDER \(its value looks like a key or token, so it is not shown\) is invalid/);
    let message = "";
    try {
      loadConfig({ LLM_PROVIDER: KEY, HEALTH_PORT: TOKEN });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain("HEALTH_PORT");
    expect(message).not.toContain(KEY);
    expect(message).not.toContain(TOKEN);
  });

  it("GIVEN a configured key of no known shape THEN every log line hides it, as written, JSON-escaped or URL-encoded", () => {
    const key = 'ollama/local"key+2026';
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger("info", stream as never, secretsIn({ OPENAI_API_KEY: key, LOG_LEVEL: "info" }));
    log.warn({ detail: `401: Incorrect API key provided: ${key}`, url: `http://x/?k=${encodeURIComponent(key)}` }, `chat model failed (${key})`);
    const written = lines.join("");
    expect(written).toContain("[redacted]");
    for (const form of [key, JSON.stringify(key).slice(1, -1), encodeURIComponent(key)]) expect(written).not.toContain(form);
  });

  it("GIVEN the password of a URL setting THEN it is a known secret wherever it appears later", () => {
    const secrets = secretsIn({ OPENAI_BASE_URL: "http://newsdesk:pa55word-99@127.0.0.1:8080/v1" });
    expect(redactSecrets("the server said: bad password pa55word-99", secrets)).toBe("the server said: bad password [redacted]");
  });

  it("GIVEN a URL setting that is not an http(s) URL, or is a token pasted there THEN the config error says what to set and never echoes a token", async () => {
    const { loadConfig } = await import("../src/base/config.js");
    expect(() => loadConfig({ OPENAI_BASE_URL: "127.0.0.1:11434/v1" })).toThrow(
      /OPENAI_BASE_URL="127.0.0.1:11434\/v1" is invalid: use the server's base URL/,
    );
    expect(() => loadConfig({ DISCORD_API_URL: "ftp://proxy.example" })).toThrow(/DISCORD_API_URL="ftp:\/\/proxy.example" is invalid/);
    let message = "";
    try {
      loadConfig({ OPENAI_BASE_URL: TOKEN });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain("OPENAI_BASE_URL (its value looks like a key or token");
    expect(message).not.toContain(TOKEN.slice(0, 20));
  });
});
