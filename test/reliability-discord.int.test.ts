// Discord faults through the emulator and the real discord.js client: REST 429s and 5xx, a gateway that drops
// or closes, interactions that expire, channels that vanish mid-answer, a failing pipeline, and 200 /ask at once.
import { ChannelType, MessageFlags, RESTJSONErrorCodes, type TextChannel } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AskOptions } from "../src/core/ports.js";
import { describeGatewayClose } from "../src/discord/describe-gateway-close.js";
import { FAILURE_MESSAGE } from "../src/discord/interaction-router.js";
import { messagePayloadOf, NO_PINGS, type DiscordEmulator, type Payload, type SentInteraction } from "./support/discord-emulator.js";
import { createFakePipeline, type FakePipeline } from "./support/discord-fake-pipeline.js";
import { startBotOnEmulator, until, type BotOnEmulator } from "./support/harness.js";
import { callsFor, createGate, describeMentions, messageCalls } from "./support/reliability-bot.js";

const QUESTION = "What did the Russian Foreign Ministry say about Hamas?";
const ANSWER_PASSAGE = "A spokesman for the Russian Foreign Ministry, Mikhail Kamynin";
const RATE = 6;

let harness: BotOnEmulator;
let emulator: DiscordEmulator;
let pipeline: FakePipeline;
const fatal: string[] = [];

beforeAll(async () => {
  pipeline = createFakePipeline();
  harness = await startBotOnEmulator({ pipeline, ratePerMinute: RATE, maxConcurrent: 4, onFatalDisconnect: (message) => fatal.push(message) });
  emulator = harness.emulator;
});

afterAll(async () => {
  await harness?.close();
});

let members = 0;
const member = (name: string) => emulator.createUser(`${name}-${++members}`);
const ask = (question: string, user: Payload, extra: Record<string, string | boolean> = {}, context: { channelId?: string } = {}) =>
  emulator.sendInteraction(emulator.chatInput("ask", { question, ...extra }, { user, ...context }));

/** The interaction's successful edits and follow-ups that carry an answer (embeds). */
const answersDelivered = (sent: SentInteraction) =>
  callsFor(emulator, sent).filter(
    (c) =>
      c.status < 300 && (c.method === "PATCH" || c.route === "/webhooks/:applicationId/:token") && (messagePayloadOf(c)?.embeds?.length ?? 0) > 0,
  );

/** Waits for the answer's edit to be recorded and returns the answer as Discord holds it. */
async function answered(sent: SentInteraction, timeoutMs = 10_000): Promise<Payload> {
  await emulator.waitFor(
    (c) => c.params.token === sent.token && c.method === "PATCH" && c.status === 200 && (c.body?.embeds?.length ?? 0) > 0,
    timeoutMs,
  );
  return emulator.interactionState(sent).original!;
}

/** A question answered end to end: the bot is alive and talking to Discord. */
async function expectAnswered(user = member("alive")): Promise<void> {
  const reply = await answered(ask(QUESTION, user));
  expect(reply.embeds[0].description).toContain(ANSWER_PASSAGE);
}

/** Holds every answer at a gate until `gate.open()`; `restore()` puts the pipeline back. */
function holdAnswers() {
  const gate = createGate();
  const original = pipeline.ask;
  pipeline.ask = async (question: string, options?: AskOptions) => {
    await gate.wait();
    return original(question, options);
  };
  return { gate, restore: () => void (pipeline.ask = original) };
}

function logged(msg: string): Array<Record<string, unknown>> {
  return harness.captured.lines().filter((line) => line.msg === msg);
}

describe("REST faults", () => {
  it("GIVEN 429 (retry_after) then 500 on the defer, and 503 then 429 on the edit THEN the answer arrives exactly once", async () => {
    const user = member("retried");
    const sentBefore = pipeline.asks.length;
    emulator.failNext({ method: "POST", path: /^\/interactions\/\d+\/[^/]+\/callback$/, status: 429, retryAfter: 0.2 });
    emulator.failNext({ method: "POST", path: /^\/interactions\/\d+\/[^/]+\/callback$/, status: 500 });
    emulator.failNext({ method: "PATCH", path: /\/messages\/@original$/, status: 503 });
    emulator.failNext({ method: "PATCH", path: /\/messages\/@original$/, status: 429, retryAfter: 0.2 });
    const sent = ask(QUESTION, user);
    const reply = await answered(sent);

    const calls = callsFor(emulator, sent);
    expect(calls.filter((c) => c.method === "POST").map((c) => c.status)).toEqual([429, 500, 204]);
    expect(calls.filter((c) => c.method === "PATCH").map((c) => c.status)).toEqual([503, 429, 200]);
    expect(reply.embeds[0].description).toContain(ANSWER_PASSAGE);
    expect(answersDelivered(sent)).toHaveLength(1);
    expect(emulator.interactionState(sent).followUps).toEqual([]);
    expect(pipeline.asks.length - sentBefore).toBe(1);
  });

  it("GIVEN a global 429 on the edit THEN discord.js waits it out and the answer arrives once", async () => {
    emulator.failNext({ method: "PATCH", path: /\/messages\/@original$/, status: 429, retryAfter: 0.3, global: true });
    const sent = ask(QUESTION, member("global-limited"));
    await answered(sent);
    expect(
      callsFor(emulator, sent)
        .filter((c) => c.method === "PATCH")
        .map((c) => c.status),
    ).toEqual([429, 200]);
    expect(answersDelivered(sent)).toHaveLength(1);
  });

  it("GIVEN the edit failing with 5xx more often than discord.js retries THEN the member is told privately, once, and the bot answers the next question", async () => {
    emulator.failNext({ method: "PATCH", path: /\/messages\/@original$/, status: 500, times: 4 });
    const sent = ask(QUESTION, member("unlucky-edit"));
    const notice = await emulator.waitFor((c) => c.params.token === sent.token && c.route === "/webhooks/:applicationId/:token" && c.status === 200);
    expect(
      callsFor(emulator, sent)
        .filter((c) => c.method === "PATCH")
        .map((c) => c.status),
    ).toEqual([500, 500, 500, 500]);
    expect(messagePayloadOf(notice)).toMatchObject({ content: FAILURE_MESSAGE, flags: MessageFlags.Ephemeral });
    expect(callsFor(emulator, sent).filter((c) => c.route === "/webhooks/:applicationId/:token")).toHaveLength(1);
    expect(logged("interaction failed").some((l) => l.interaction_id === sent.id)).toBe(true);
    await expectAnswered();
  });
});

describe("gateway faults", () => {
  it("GIVEN the socket dropped without a close frame THEN the bot resumes the session and answers the next question", async () => {
    const before = emulator.gatewayState();
    emulator.dropGateway();
    await emulator.waitUntil(
      () => emulator.gatewayState().resumeCount === before.resumeCount + 1 && emulator.gatewayState().connected,
      15_000,
      "a RESUME",
    );
    expect(emulator.gatewayState().identifyCount).toBe(before.identifyCount);
    await expectAnswered();
  });

  it("GIVEN a resumable close (4000) and an /ask sent while disconnected THEN the bot resumes, the missed /ask is replayed and answered once", async () => {
    const before = emulator.gatewayState();
    emulator.closeGateway(4000);
    await emulator.waitUntil(() => !emulator.gatewayState().connected || emulator.gatewayState().resumeCount > before.resumeCount, 5_000);
    const missed = ask(QUESTION, member("missed"));
    await emulator.waitUntil(() => emulator.gatewayState().resumeCount === before.resumeCount + 1, 15_000, "a RESUME");
    const reply = await answered(missed);
    expect(reply.embeds[0].description).toContain(ANSWER_PASSAGE);
    expect(answersDelivered(missed)).toHaveLength(1);
    expect(emulator.gatewayState().identifyCount).toBe(before.identifyCount);
  });

  it("GIVEN a close that ends the session (4009) THEN the bot identifies anew and answers the next question", async () => {
    const before = emulator.gatewayState();
    emulator.closeGateway(4009);
    await emulator.waitUntil(
      () => emulator.gatewayState().identifyCount === before.identifyCount + 1 && emulator.gatewayState().connected,
      20_000,
      "a new IDENTIFY",
    );
    // READY after a fresh IDENTIFY lists the guild as unavailable; GUILD_CREATE follows at once.
    await until(() => harness.bot.client.guilds.cache.get(emulator.guildId)?.available === true, 5_000, "the guild");
    await expectAnswered();
    expect(fatal).toEqual([]);
  }, 30_000);
});

describe("expired interactions and vanished channels", () => {
  it("GIVEN an answer slower than the interaction token lives THEN one edit is refused (50027), logged, never retried, and the bot answers the next question", async () => {
    const { gate, restore } = holdAnswers();
    let sent: SentInteraction;
    try {
      sent = ask(QUESTION, member("slow"));
      await emulator.waitUntil(() => emulator.interactionState(sent).deferred);
      await until(() => gate.waiting === 1, 5_000, "the answer to start");
      emulator.expireInteraction(sent);
      gate.open();
      await until(() => logged("interaction failed").some((l) => l.interaction_id === sent.id), 5_000, "the failure to be logged");
    } finally {
      restore();
    }
    // The next question, answered end to end, is the barrier: whatever the bot did for the expired one is done.
    await expectAnswered();
    const calls = callsFor(emulator, sent);
    expect(calls.map((c) => `${c.method} ${c.status}`)).toEqual(["POST 204", "PATCH 401"]);
    expect(calls[1]!.response).toMatchObject({ code: RESTJSONErrorCodes.InvalidWebhookToken });
    const line = logged("interaction failed").find((l) => l.interaction_id === sent.id)!;
    expect(JSON.stringify(line.err)).toContain(String(RESTJSONErrorCodes.InvalidWebhookToken));
  });

  it("GIVEN the thread an /ask came from deleted mid-answer THEN nothing crashes, the failure is logged, and the bot answers in the channel", async () => {
    const channel = (await harness.bot.client.channels.fetch(emulator.channelId)) as TextChannel;
    const thread = await channel.threads.create({ name: "doomed thread", type: ChannelType.PublicThread });
    const { gate, restore } = holdAnswers();
    let sent: SentInteraction;
    try {
      sent = ask(QUESTION, member("in-thread"), {}, { channelId: thread.id });
      await emulator.waitUntil(() => emulator.interactionState(sent).deferred);
      await until(() => gate.waiting === 1, 5_000, "the answer to start");
      emulator.deleteChannel(thread.id);
      gate.open();
      await until(() => logged("interaction failed").some((l) => l.interaction_id === sent.id), 5_000, "the failure to be logged");
    } finally {
      restore();
    }
    await expectAnswered();
    // The channel is gone, and with it anyone to tell: one refused edit, no attempts to post elsewhere.
    expect(callsFor(emulator, sent).map((c) => `${c.method} ${c.status}`)).toEqual(["POST 204", "PATCH 404"]);
    expect(callsFor(emulator, sent)[1]!.response).toMatchObject({ code: RESTJSONErrorCodes.UnknownChannel });
  });

  it("GIVEN a bot thread deleted while a mention in it is answered THEN nothing crashes and the bot answers the next mention", async () => {
    const channel = (await harness.bot.client.channels.fetch(emulator.channelId)) as TextChannel;
    const thread = await channel.threads.create({ name: "short-lived", type: ChannelType.PublicThread });
    const { gate, restore } = holdAnswers();
    const user = member("thread-mention");
    try {
      const sent = emulator.sendMessage({ channelId: thread.id, content: `<@${emulator.botUser.id}> ${QUESTION}`, author: user });
      await until(() => gate.waiting === 1, 5_000, "the answer to start");
      emulator.deleteChannel(thread.id);
      gate.open();
      await until(() => logged("message answer failed").some((l) => l.message_id === sent.message.id), 5_000, "the failure to be logged");
    } finally {
      restore();
    }
    const next = emulator.sendMessage({ content: `<@${emulator.botUser.id}> ${QUESTION}`, author: member("after-thread") });
    const reply = await emulator.waitFor((c) => c.method === "POST" && c.body?.message_reference?.message_id === next.message.id && c.status === 200);
    expect(JSON.stringify(reply.body)).toContain(ANSWER_PASSAGE);
  });
});

describe("a failing pipeline", () => {
  const failures = [
    ["index unreadable", new Error("ENOENT: no such file or directory, open '/srv/newsdesk/data/index/current/hnswlib.index'")],
    ["model down", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:11434"), { code: "ECONNREFUSED" })],
  ] as const;

  for (const [what, error] of failures) {
    it(`GIVEN ${what} THEN /ask (public and private), /search and a mention each get a short message, without the error`, async () => {
      pipeline.failWith = error;
      try {
        const publicAsk = ask(QUESTION, member("public"));
        const privateAsk = ask(QUESTION, member("private"), { private: true });
        const search = emulator.sendInteraction(emulator.chatInput("search", { query: "Foreign Ministry" }, { user: member("search") }));
        const mention = emulator.sendMessage({ content: `<@${emulator.botUser.id}> ${QUESTION}`, author: member("mention") });

        const publicNotice = await emulator.waitFor((c) => c.params.token === publicAsk.token && c.route === "/webhooks/:applicationId/:token");
        expect(messagePayloadOf(publicNotice)).toMatchObject({ content: FAILURE_MESSAGE, flags: MessageFlags.Ephemeral });
        const privateNotice = await emulator.waitForOriginal(privateAsk);
        expect(privateNotice).toMatchObject({ content: FAILURE_MESSAGE });
        expect(privateNotice.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
        const searchNotice = await emulator.waitUntil(() => {
          const state = emulator.interactionState(search);
          return [state.original, ...state.followUps].find((m) => m?.content === FAILURE_MESSAGE);
        });
        expect(searchNotice.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
        const mentionNotice = await emulator.waitFor((c) => c.method === "POST" && c.body?.message_reference?.message_id === mention.message.id);
        expect(mentionNotice.body).toMatchObject({ content: FAILURE_MESSAGE });

        const everything = [publicAsk, privateAsk, search].flatMap((s) => callsFor(emulator, s)).concat(mentionNotice);
        for (const call of everything) {
          expect(call.status).toBeLessThan(300);
          const body = JSON.stringify(call.body ?? {});
          expect(body).not.toContain(error.message);
          expect(body).not.toMatch(/ENOENT|ECONNREFUSED|Error:|\n\s+at /);
        }
        for (const call of messageCalls(everything)) expect(describeMentions(messagePayloadOf(call)).pings).toEqual(NO_PINGS);
        expect(harness.captured.lines().filter((l) => JSON.stringify(l).includes(error.message)).length).toBeGreaterThanOrEqual(4);
      } finally {
        pipeline.failWith = undefined;
      }
    });
  }
});

describe("load", () => {
  const MEMBERS = 200;
  const GREEDY_ASKS = RATE + 4;

  it(`GIVEN ${MEMBERS} members asking at once and one member asking ${GREEDY_ASKS} times THEN every member's /ask is answered exactly once and the greedy member is refused past ${RATE}`, async () => {
    const asksBefore = pipeline.asks.length;
    const crowd = Array.from({ length: MEMBERS }, (_, i) => ({ n: i, sent: ask(`${QUESTION} (question ${i})`, member(`crowd-${i}`)) }));
    const greedyUser = member("greedy");
    const greedy = Array.from({ length: GREEDY_ASKS }, (_, i) => ask(`${QUESTION} (greedy ${i})`, greedyUser));
    const all = [...crowd.map((c) => c.sent), ...greedy];

    const isDone = (s: SentInteraction) => {
      const original = emulator.interactionState(s).original;
      return original !== null && !(original.flags & MessageFlags.Loading);
    };
    await emulator.waitUntil(() => all.every(isDone), 50_000, `all ${all.length} interactions to be answered`);
    await emulator.waitUntil(() => crowd.every(({ sent }) => answersDelivered(sent).length === 1), 10_000, "every answer's edit to be recorded");

    for (const { n, sent } of crowd) {
      const state = emulator.interactionState(sent);
      // Each answer is the member's own: the title is their question, with its number.
      expect(state.original!.embeds[0].title).toBe(`${QUESTION} (question ${n})`);
      expect(state.original!.embeds[0].description).toContain(ANSWER_PASSAGE);
      expect(state.followUps).toEqual([]);
      const calls = callsFor(emulator, sent);
      expect(calls.filter((c) => c.method === "POST" && c.status === 204)).toHaveLength(1);
      expect(answersDelivered(sent)).toHaveLength(1);
    }
    const greedyReplies = greedy.map((s) => emulator.interactionState(s).original!);
    const refused = greedyReplies.filter((m) => /questions a minute/.test(m.content ?? ""));
    expect(refused).toHaveLength(GREEDY_ASKS - RATE);
    for (const m of refused) expect(m.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(greedyReplies.filter((m) => m.embeds?.length > 0)).toHaveLength(RATE);
    expect(pipeline.asks.length - asksBefore).toBe(MEMBERS + RATE);
    const asked = new Set(pipeline.asks.slice(asksBefore).map((a) => a.question));
    for (let i = 0; i < MEMBERS; i++) expect(asked.has(`${QUESTION} (question ${i})`)).toBe(true);
    const everyCall = all.flatMap((s) => callsFor(emulator, s));
    expect(everyCall.filter((c) => c.status >= 400)).toEqual([]);
    // One callback per interaction, one edit per answer: nothing lost, nothing sent twice.
    expect(everyCall.filter((c) => c.method === "POST")).toHaveLength(MEMBERS + GREEDY_ASKS);
    expect(everyCall.filter((c) => c.method === "PATCH")).toHaveLength(MEMBERS + RATE);
    expect(everyCall).toHaveLength(2 * MEMBERS + GREEDY_ASKS + RATE);
    for (const call of messageCalls(everyCall)) expect(describeMentions(messagePayloadOf(call)).pings).toEqual(NO_PINGS);
  }, 60_000);
});

describe("a session Discord ends for good", () => {
  // src/main.ts exiting on it, in a child process, is in reliability-secrets.int.test.ts (the same run checks its output for secrets).
  it("GIVEN a gateway close 4004 while running THEN onFatalDisconnect gets the reason, once (run last: the bot stays down)", async () => {
    emulator.closeGateway(4004);
    await until(() => fatal.length > 0, 5_000, "onFatalDisconnect");
    expect(fatal).toEqual([describeGatewayClose(4004)]);
    expect(logged("gateway closed for good")).toMatchObject([{ code: 4004 }]);
  });
});
