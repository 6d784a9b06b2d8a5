// `npm start` as a new user runs it: src/main.ts in its own process, the real pipeline over corpus/, talking to
// the Discord emulator through DISCORD_API_URL.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDiscordEmulator, type DiscordEmulator, type Payload } from "./support/discord-emulator.js";

const ROOT = resolve(import.meta.dirname, "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

let emulator: DiscordEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startDiscordEmulator();
  dir = await mkdtemp(join(tmpdir(), "newsdesk-main-"));
  // The starting corpus plus a deeply nested article: a source glob is tried against every level.
  await cp(join(ROOT, "corpus"), join(dir, "corpus"), { recursive: true });
  const nested = join(dir, "corpus", "feeds", "2006", "02", "10", "world", "mideast", "wire", "late");
  await mkdir(nested, { recursive: true });
  await writeFile(join(nested, "story.txt"), "Relief convoys reached the border crossing on Friday.\n");
});
afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs src/main.ts with only the variables given (no .env from the developer's machine leaks in). */
function startMain(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(TSX, [join(ROOT, "src", "main.ts")], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: dir, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, "exit")) as [number | null];
  return code;
}

describe("npm start (src/main.ts)", () => {
  it("GIVEN no DISCORD_TOKEN or DISCORD_CLIENT_ID THEN exits 1 saying how to get them and pointing to npm run ask, without a stack trace", async () => {
    const { child, output } = startMain({});
    expect(await exitCode(child)).toBe(1);
    expect(output()).toContain("Missing DISCORD_TOKEN and DISCORD_CLIENT_ID");
    expect(output()).toContain("https://discord.com/developers/applications");
    expect(output()).toContain("npm run ask");
    expect(output()).not.toMatch(/\n\s+at /);
  });

  it("GIVEN the emulator's token and API URL THEN indexes corpus/, answers /ask citing the Foreign Ministry passage, and stops cleanly on SIGTERM", async () => {
    const { child, output } = startMain({
      DISCORD_TOKEN: emulator.token,
      DISCORD_CLIENT_ID: emulator.applicationId,
      DISCORD_API_URL: emulator.apiUrl,
      CORPUS_DIR: join(dir, "corpus"),
      INDEX_DIR: join(dir, "index"),
      DATA_DIR: join(dir, "data"),
    });
    try {
      const state = await emulator.waitUntil(
        () => (child.exitCode !== null ? "exited" : emulator.gatewayState().connected && "connected"),
        60_000,
        "the bot to connect",
      );
      expect(state, output()).toBe("connected");
      const sent = emulator.sendInteraction(emulator.chatInput("ask", { question: "What did the Russian Foreign Ministry say about Hamas?" }));
      const reply = await emulator.waitForOriginal(sent, undefined, 30_000);
      const text = JSON.stringify(reply.embeds);
      expect(text).toContain("Russian Foreign Ministry");
      expect(reply.embeds.flatMap((e: Payload) => e.fields ?? []).some((f: Payload) => f.value.includes("000_c0af5a29d12023ff.txt:12"))).toBe(true);

      // A pattern that backtracked for minutes on the main thread (freezing the bot for everyone) is
      // answered at once, saying no article matches; the next member's question is answered as usual.
      const hostile = emulator.sendInteraction(
        emulator.chatInput("ask", { question: "What did the Russian Foreign Ministry say?", sources: "****************!" }),
      );
      const refused = JSON.stringify(await emulator.waitForOriginal(hostile, undefined, 20_000));
      expect(refused).toContain("No article matches sources: \\\\*\\\\*");
      expect(refused).not.toContain("don't answer");
      const braces = emulator.sendInteraction(
        emulator.chatInput("ask", { question: "What did the Russian Foreign Ministry say about Hamas?", sources: "{feeds,000_*}" }),
      );
      expect(JSON.stringify((await emulator.waitForOriginal(braces, undefined, 20_000)).embeds)).toContain("000_c0af5a29d12023ff.txt:12");
      child.kill("SIGTERM");
      expect(await exitCode(child)).toBe(0);
      expect(output()).not.toMatch(/\n\s+at /);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 90_000);
});
