// /stats and /gaps after a few questions, the admin gate, the answers log, and /healthz and /metrics: the bot as
// src/main.ts composes it, through the Discord emulator, over a one-article corpus.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { MessageFlags } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/base/config.js";
import { ADMIN_ONLY_MESSAGE } from "../src/discord/admin-gate.js";
import { createOperations } from "../src/create-operations.js";
import type { Payload, SentInteraction } from "./support/discord-emulator.js";
import { startOpsBot, type OpsBot } from "./support/ops-bot.js";

const HAMAS = await readFile(new URL("../corpus/000_c0af5a29d12023ff.txt", import.meta.url), "utf8");
const RATE = 4;
const ANSWERED = ["What did the Russian Foreign Ministry say about Hamas?", "What did Tzipi Livni warn about Hamas?"];
const UNANSWERED = ["Who won the cricket world cup?", "who won the cricket world cup"];

let h: OpsBot;
beforeAll(async () => {
  h = await startOpsBot({ articles: { "hamas.txt": HAMAS }, env: { RATE_LIMIT_PER_MINUTE: String(RATE) } });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const callsFor = (sent: SentInteraction) => h.emulator.calls.filter((c) => c.params.token === sent.token);
const field = (message: Payload, name: string): string => message.embeds[0].fields.find((f: Payload) => f.name === name)?.value;
const buttonId = (message: Payload, action: string): string =>
  (message.components ?? [])
    .flatMap((row: Payload) => row.components.map((c: Payload) => c.custom_id))
    .find((id: string) => id.startsWith(`answer:${action}:`));
const getText = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
};

/** Sends an admin command and waits for its edited (final) reply. */
async function runAdmin(name: string, as: "manager" | "roleAdmin"): Promise<{ sent: SentInteraction; reply: Payload }> {
  const sent = h.command(name, {}, as);
  const reply = await h.emulator.waitForOriginal(sent);
  return { sent, reply };
}

describe("/stats and /gaps after a few questions", () => {
  let answers: Payload[];

  beforeAll(async () => {
    answers = [];
    // One member asks exactly up to the rate limit: two questions the article answers, the same unanswerable one twice.
    for (const question of [...ANSWERED, ...UNANSWERED]) {
      const sent = h.command("ask", { question }, "reader");
      answers.push(await h.emulator.waitForOriginal(sent, undefined, 20_000));
    }
    for (const [i, rating] of [
      [0, "up"],
      [1, "down"],
    ] as const) {
      const click = h.emulator.sendInteraction(h.emulator.buttonClick(buttonId(answers[i]!, rating), answers[i]!, h.members.reader));
      await h.emulator.waitForOriginal(click);
    }
  }, 60_000);

  it("GIVEN four answers, two abstentions and a 👍 and a 👎 THEN /stats shows them, with the index and the embedder", async () => {
    const { sent, reply } = await runAdmin("stats", "manager");
    expect(callsFor(sent)[0]!.body).toMatchObject({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    const served = h.ops.pipeline.served()!;
    expect(field(reply, "Index")).toBe(
      `1 article, ${served.passages} passages from 1 file, built <t:${Math.floor(Date.parse(served.builtAt) / 1000)}:R>`,
    );
    expect(served.passages).toBeGreaterThan(3);
    expect(field(reply, "Embedder")).toBe(served.embedder.replace(/[\\*_~`|]/g, "\\$&"));
    expect(field(reply, "Answers")).toMatch(/^extractive/);
    expect(field(reply, "Questions answered")).toBe("last 24 hours: 4\nlast 7 days: 4");
    expect(field(reply, "Answer time (7 days)")).toMatch(/^median \d+\.\d\d s · p95 \d+\.\d\d s$/);
    expect(field(reply, "Abstentions (7 days)")).toBe("50% (2 of 4)");
    expect(field(reply, "Feedback")).toBe("last 7 days: 👍 1 · 👎 1\nall kept: 👍 1 · 👎 1");
  });

  it("GIVEN the same unanswered question twice THEN /gaps lists it as most frequent and both askings as most recent", async () => {
    const { reply } = await runAdmin("gaps", "roleAdmin");
    const description = reply.embeds[0].description as string;
    expect(description).toMatch(
      /^\*\*Most frequent\*\*\n\*\*2×\*\* who won the cricket world cup \(last <t:\d+:R>\)\n\n\*\*Most recent\*\*\n<t:\d+:R> who won the cricket world cup\n<t:\d+:R> Who won the cricket world cup\?$/,
    );
    expect(reply.embeds[0].footer.text).toMatch(/^2 unanswered questions in this server/);
    expect(description).not.toContain("Foreign Ministry");
  });

  it("GIVEN LOG_QUESTIONS=false THEN answers.jsonl and the logs carry no question text, and gaps.jsonl holds only the unanswered ones", async () => {
    const answersLog = (await readFile(join(h.config.DATA_DIR, "answers.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Payload);
    expect(answersLog).toHaveLength(4);
    expect(answersLog.map((r) => r.abstained)).toEqual([false, false, true, true]);
    expect(answersLog.every((r) => r.question === undefined && r.guild_id === h.emulator.guildId && r.ms >= 0)).toBe(true);
    const gaps = (await readFile(join(h.config.DATA_DIR, "gaps.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Payload);
    expect(gaps.map((g) => g.question)).toEqual(UNANSWERED);

    const answered = h.logLines().filter((l) => l.msg === "answered");
    expect(answered).toHaveLength(4);
    for (const line of answered)
      expect(line).toMatchObject({
        answer_id: expect.any(String),
        ms: expect.any(Number),
        citations: expect.any(Number),
        abstained: expect.any(Boolean),
      });
    expect(answered.map((l) => l.abstained)).toEqual([false, false, true, true]);
    const everything = JSON.stringify(h.logLines());
    for (const question of [...ANSWERED, ...UNANSWERED]) expect(everything).not.toContain(question);
  });
});

describe("the admin gate", () => {
  it("GIVEN a member without Manage Server or an admin role THEN /stats and /gaps are refused privately, even though Discord showed them the command", async () => {
    for (const name of ["stats", "gaps"]) {
      const sent = h.command(name, {}, "reader");
      const reply = await h.emulator.waitForOriginal(sent);
      expect(callsFor(sent)).toHaveLength(1);
      expect(callsFor(sent)[0]!.body).toMatchObject({ type: 4, data: { content: ADMIN_ONLY_MESSAGE, flags: MessageFlags.Ephemeral } });
      expect(reply.embeds ?? []).toEqual([]);
    }
  });

  it("GIVEN a member with only a role from ADMIN_ROLE_IDS THEN /stats is allowed; another role is not enough", async () => {
    const { reply } = await runAdmin("stats", "roleAdmin");
    expect(reply.embeds[0].title).toBe("Newsdesk statistics");
    const otherRole = h.emulator.createRole("Moderators");
    const sent = h.emulator.sendInteraction(h.emulator.chatInput("stats", {}, { user: h.emulator.createUser("moderator"), roles: [otherRole.id] }));
    expect((await h.emulator.waitForOriginal(sent)).content).toBe(ADMIN_ONLY_MESSAGE);
  });

  it("GIVEN Administrator without Manage Server explicitly THEN allowed (Administrator implies every permission)", async () => {
    const sent = h.emulator.sendInteraction(
      h.emulator.chatInput("gaps", {}, { user: h.emulator.createUser("owner"), permissions: String(1n << 3n) }),
    );
    const reply = await h.emulator.waitForOriginal(sent);
    expect(reply.embeds[0].title).toBe("Questions I could not answer");
  });
});

describe("/healthz and /metrics", () => {
  it("GIVEN the bot connected with its index THEN /healthz is 200 with the served generation", async () => {
    const health = await getText(`${h.healthUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(health.type).toBe("application/json");
    expect(JSON.parse(health.body)).toMatchObject({
      status: "ok",
      reasons: [],
      index: { generation: h.ops.pipeline.served()!.generation, articles: 1 },
    });
    expect(h.healthUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await getText(`${h.healthUrl}/nope`)).status).toBe(404);
  });

  it("GIVEN answers, a rate-limited question and a failed interaction THEN /metrics counts each, in Prometheus text", async () => {
    // The reader has used up the limit: one more is refused.
    const refused = h.command("ask", { question: ANSWERED[0]! }, "reader");
    expect((await h.emulator.waitForOriginal(refused)).content).toMatch(/You can ask 4 questions a minute/);
    // Discord refuses the acknowledgement of the next interaction: its handling fails.
    h.emulator.failNext({ method: "POST", path: /\/callback$/, status: 403, code: 50013, message: "Missing Permissions" });
    const failing = h.command("ask", { question: ANSWERED[1]! }, h.emulator.createUser("unlucky"));
    await h.emulator.waitFor((c) => c.params.token === failing.token && c.status === 403);
    await h.emulator.waitUntil(() => h.logLines().some((l) => l.msg === "interaction failed"));

    const metrics = await getText(`${h.healthUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.type).toBe("text/plain; version=0.0.4; charset=utf-8");
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"+.]/g, "\\$&")} (\\S+)$`, "m").exec(metrics.body)?.[1]);
    expect(value("newsdesk_answers_total")).toBe(4);
    expect(value("newsdesk_abstentions_total")).toBe(2);
    expect(value("newsdesk_rate_limited_total")).toBe(1);
    expect(value('newsdesk_errors_total{where="interaction"}')).toBe(1);
    expect(value('newsdesk_answer_duration_seconds_bucket{le="+Inf"}')).toBe(4);
    expect(value("newsdesk_answer_duration_seconds_count")).toBe(4);
    expect(value("newsdesk_answer_duration_seconds_sum")).toBeGreaterThan(0);
    expect(value("newsdesk_gateway_connected")).toBe(1);
    expect(value("newsdesk_index_loaded")).toBe(1);
    expect(value("newsdesk_index_articles")).toBe(1);
  });

  it("GIVEN the gateway closed for good THEN /healthz is 503 and says why", async () => {
    h.emulator.closeGateway(4004);
    await h.emulator.waitForGateway((e) => e.close === 4004);
    const deadline = Date.now() + 5_000;
    let health = await getText(`${h.healthUrl}/healthz`);
    while (health.status !== 503 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      health = await getText(`${h.healthUrl}/healthz`);
    }
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toMatchObject({ status: "unavailable", reasons: ["Discord gateway not connected"] });
  });

  it("GIVEN HEALTH_HOST THEN health and metrics listen on that host", async () => {
    // 127.0.0.2 is loopback too on Linux, and tells the configured host from the default.
    const config = loadConfig({ INDEX_DIR: join(h.dir, "never"), DATA_DIR: join(h.dir, "data-host"), HEALTH_PORT: "0", HEALTH_HOST: "127.0.0.2" });
    const ops = createOperations({ config, log: pino({ level: "silent" }), open: () => new Promise(() => undefined) });
    try {
      const url = (await ops.startHealthServer())!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
      expect((await getText(`${url}/metrics`)).status).toBe(200);
    } finally {
      await ops.stop();
    }
    expect(loadConfig({}).HEALTH_HOST).toBe("127.0.0.1");
  });

  it("GIVEN an index still loading at start THEN /healthz is 503 naming both the index and the gateway", async () => {
    const config = loadConfig({ INDEX_DIR: join(h.dir, "never"), DATA_DIR: join(h.dir, "data-loading"), HEALTH_PORT: "0" });
    const ops = createOperations({ config, log: pino({ level: "silent" }), open: () => new Promise(() => undefined) });
    try {
      const url = (await ops.startHealthServer())!;
      void ops.loadIndex();
      const health = await getText(`${url}/healthz`);
      expect(health.status).toBe(503);
      expect(JSON.parse(health.body)).toMatchObject({
        status: "unavailable",
        reasons: ["Discord gateway not connected", "index not loaded"],
        index: null,
      });
    } finally {
      await ops.stop();
    }
  });
});
