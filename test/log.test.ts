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
