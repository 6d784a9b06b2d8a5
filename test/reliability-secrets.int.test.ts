// Secrets never leave: with recognisable fake DISCORD_TOKEN, OPENAI_API_KEY and ANTHROPIC_API_KEY, everything a
// run emits (logs, a child process's stdout and stderr, every REST body the bot sends Discord, every request
// body the chat model gets) is searched for them, through answers, failures, a refused token and a revoked one.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPipelineWithIndex } from "../src/app/open-pipeline.js";
import { loadConfig } from "../src/base/config.js";
import { describeGatewayClose } from "../src/discord/describe-gateway-close.js";
import { FAILURE_MESSAGE } from "../src/discord/interaction-router.js";
import { startDiscordEmulator, type DiscordEmulator, type RecordedCall } from "./support/discord-emulator.js";
import { startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai.js";
import { captureLog, startBotOnEmulator } from "./support/harness.js";
import { callsFor } from "./support/reliability-bot.js";

const ROOT = resolve(import.meta.dirname, "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

const canary = (prefix: string) => `${prefix}${randomBytes(18).toString("base64url")}`;
const DISCORD_TOKEN = canary("NDESK.canary-discord-token.");
const OPENAI_API_KEY = canary("sk-ndesk-canary-openai-");
const ANTHROPIC_API_KEY = canary("sk-ant-ndesk-canary-anthropic-");
const SECRETS = { DISCORD_TOKEN, OPENAI_API_KEY, ANTHROPIC_API_KEY };

/** Each secret whole, and its random tail on its own (a secret cut, re-encoded or partly masked still shows it). */
const NEEDLES = Object.entries(SECRETS).flatMap(([name, value]) => [
  [name, value],
  [`${name} (tail)`, value.slice(-16)],
]);

/** The names of the secrets found in `text`. */
function leaks(text: string): string[] {
  return NEEDLES.filter(([, needle]) => text.includes(needle!)).map(([name]) => name!);
}

/** A REST call as the bot sent it, minus the one place the token belongs (the Authorization header). */
function emitted(call: RecordedCall): string {
  const { authorization: _authorization, ...headers } = call.headers;
  return JSON.stringify({
    method: call.method,
    path: call.path,
    query: call.query,
    body: call.body,
    files: call.files.map((f) => f.data.toString("utf8")),
    headers,
  });
}

/** An OpenAI-compatible server that refuses the key as OpenAI does: naming it masked, never whole. */
const refuseKey = () => ({
  status: 401,
  body: JSON.stringify({
    error: {
      message: `Incorrect API key provided: ${OPENAI_API_KEY.slice(0, 8)}${"*".repeat(20)}${OPENAI_API_KEY.slice(-2)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      type: "invalid_request_error",
      code: "invalid_api_key",
    },
  }),
});

const ARTICLE = "Russia and Hamas\n\nA spokesman for the Russian Foreign Ministry said Russia would adhere to the approach agreed upon in London.\n";
const QUESTION = "What did the Russian Foreign Ministry say?";

let llm: FakeOpenAI;
let dir: string;

beforeAll(async () => {
  llm = await startFakeOpenAI({ reply: refuseKey });
  dir = await mkdtemp(join(tmpdir(), "newsdesk-secrets-"));
  await mkdir(join(dir, "corpus"));
  await writeFile(join(dir, "corpus", "ministry.txt"), ARTICLE);
});

afterAll(async () => {
  await llm?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function childEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    CORPUS_DIR: join(dir, "corpus"),
    INDEX_DIR: join(dir, "index"),
    DATA_DIR: join(dir, "data"),
    LOG_LEVEL: "trace",
    LLM_PROVIDER: "openai",
    OPENAI_BASE_URL: llm.baseURL,
    ...SECRETS,
    ...extra,
  };
}

/** Runs a script under tsx in the temp folder; resolves with its exit code and everything it printed. */
function run(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(TSX, [join(ROOT, script), ...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = (once(child, "exit") as Promise<[number | null]>).then(([code]) => code);
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe("secrets in what a run emits", () => {
  it("GIVEN the bot in-process answering, failing and retrying THEN neither its log nor any REST body carries a secret", async () => {
    const { log, raw: lines } = captureLog("trace");
    const config = loadConfig({ ...childEnv({}), LOG_LEVEL: "trace" });
    const { pipeline } = await openPipelineWithIndex(config, log);
    const harness = await startBotOnEmulator({ pipeline, emulator: { token: DISCORD_TOKEN } });
    const { emulator } = harness;
    try {
      // An answer through the failing model (falls back to extractive), with a 500 and a 429 on the way.
      emulator.failNext({ method: "PATCH", path: /\/messages\/@original$/, status: 500 });
      emulator.failNext({ method: "PATCH", path: /\/messages\/@original$/, status: 429, retryAfter: 0.05 });
      const answered = emulator.sendInteraction(emulator.chatInput("ask", { question: QUESTION }));
      const reply = await emulator.waitForOriginal(answered, (m) => m.embeds?.length > 0, 15_000);
      expect(reply.embeds.at(-1).footer.text).toMatch(/^Extractive answer:/);
      expect(llm.chatRequests().length).toBeGreaterThan(0);
      // A failure that reaches the member: the edit refused past every retry.
      emulator.failNext({ method: "PATCH", path: /\/messages\/@original$/, status: 500, times: 4 });
      const failed = emulator.sendInteraction(emulator.chatInput("ask", { question: QUESTION }));
      const notice = await emulator.waitFor((c) => c.params.token === failed.token && c.route === "/webhooks/:applicationId/:token", 15_000);
      expect(notice.body?.content).toBe(FAILURE_MESSAGE);
      // A mention, and a gateway resume (RESUME carries the token).
      emulator.dropGateway();
      await emulator.waitUntil(() => emulator.gatewayState().resumeCount === 1 && emulator.gatewayState().connected, 15_000);
      const mention = emulator.sendMessage({ content: `<@${emulator.botUser.id}> ${QUESTION}` });
      await emulator.waitFor((c) => c.method === "POST" && c.body?.message_reference?.message_id === mention.message.id, 15_000);
      expect(callsFor(emulator, answered).length).toBeGreaterThan(0);
    } finally {
      await harness.close();
    }
    // The token did authenticate every bot call: it is only ever in that header.
    const botCalls = emulator.calls.filter((c) => c.headers.authorization);
    expect(botCalls.length).toBeGreaterThan(0);
    for (const call of botCalls) expect(call.headers.authorization).toBe(`Bot ${DISCORD_TOKEN}`);
    const everything = [...lines, ...harness.captured.raw];
    expect(everything.some((line) => line.includes("chat model failed"))).toBe(true);
    expect(everything.some((line) => line.includes("interaction failed"))).toBe(true);
    expect(leaks(everything.join("\n"))).toEqual([]);
    for (const call of emulator.calls) expect(leaks(emitted(call)), `${call.method} ${call.path}`).toEqual([]);
    expect(leaks(JSON.stringify(emulator.gatewayLog))).toEqual([]);
    expect(leaks(JSON.stringify(llm.requests.map((r) => r.body)))).toEqual([]);
  }, 45_000);

  it("GIVEN npm start answering, then its token revoked (4004) THEN it exits 1 with a clear message, no stack trace, and never shows a secret", async () => {
    const emulator: DiscordEmulator = await startDiscordEmulator({ token: DISCORD_TOKEN });
    const main = run("src/main.ts", [], childEnv({ DISCORD_CLIENT_ID: emulator.applicationId, DISCORD_API_URL: emulator.apiUrl }));
    try {
      const state = await emulator.waitUntil(
        () => (main.child.exitCode !== null ? "exited" : emulator.gatewayState().connected && "connected"),
        45_000,
      );
      expect(state, main.output().stderr).toBe("connected");
      const sent = emulator.sendInteraction(emulator.chatInput("ask", { question: QUESTION }));
      await emulator.waitForOriginal(sent, (m) => m.embeds?.length > 0, 20_000);
      emulator.closeGateway(4004);
      expect(await main.exited).toBe(1);
      const { stdout, stderr } = main.output();
      expect(stderr).toContain(describeGatewayClose(4004));
      expect(stdout + stderr).not.toMatch(/\n\s+at /);
      expect(stderr).toContain("chat model failed");
      expect(leaks(stdout + stderr)).toEqual([]);
      for (const call of emulator.calls) expect(leaks(emitted(call))).toEqual([]);
    } finally {
      if (main.child.exitCode === null) main.child.kill("SIGKILL");
      await emulator.close();
    }
  }, 60_000);

  it("GIVEN npm start with a token Discord refuses THEN it exits 1 saying so, without the token", async () => {
    const emulator = await startDiscordEmulator();
    const main = run("src/main.ts", [], childEnv({ DISCORD_CLIENT_ID: emulator.applicationId, DISCORD_API_URL: emulator.apiUrl }));
    try {
      expect(await main.exited).toBe(1);
      const { stdout, stderr } = main.output();
      expect(stderr).toMatch(/token was refused/);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(leaks(stdout + stderr)).toEqual([]);
      const refused = emulator.calls.filter((c) => c.status === 401);
      expect(refused.length).toBeGreaterThan(0);
      for (const call of emulator.calls) expect(leaks(emitted(call))).toEqual([]);
    } finally {
      if (main.child.exitCode === null) main.child.kill("SIGKILL");
      await emulator.close();
    }
  }, 60_000);

  it("GIVEN npm run ask with the model refusing its key THEN the answer and every message are free of secrets", async () => {
    const ask = run("scripts/ask.ts", [QUESTION], childEnv({}));
    expect(await ask.exited).toBe(0);
    const { stdout, stderr } = ask.output();
    expect(stdout).toContain("Russian Foreign Ministry");
    expect(stderr).toContain("Incorrect API key provided");
    expect(leaks(stdout + stderr)).toEqual([]);
  }, 60_000);
});

describe("secrets at rest", () => {
  it("GIVEN the repository THEN git ignores .env, and .env.example holds no secret values", async () => {
    const ignored = execFileSync("git", ["check-ignore", "--no-index", "-v", ".env"], { cwd: ROOT, encoding: "utf8" });
    expect(ignored).toMatch(/\.gitignore:\d+:.*\.env/);
    const example = await readFile(join(ROOT, ".env.example"), "utf8");
    for (const name of Object.keys(SECRETS)) expect(example).toMatch(new RegExp(`^${name}=$`, "m"));
  });
});
