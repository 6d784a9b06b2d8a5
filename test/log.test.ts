import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactSecrets } from "../src/log.js";

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
    const { loadConfig } = await import("../src/config.js");
    expect(() => loadConfig({ LLM_PROVIDER: KEY })).toThrow(/LLM_PROVIDER=.*is invalid/);
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
});
