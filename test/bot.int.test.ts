// The real bot (discord.js client, commands, router) driven through the Discord emulator on loopback.
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Answer } from "../src/core/types.js";
import type { Command } from "../src/discord/command.js";
import { deployCommands } from "../src/discord/deploy-commands.js";
import { FAILURE_MESSAGE } from "../src/discord/interaction-router.js";
import { startBotOnEmulator, until, type BotOnEmulator } from "./support/harness.js";
import { ABSTAIN_NOTICE, ANSWER_TEXT_MAX, MORE_SOURCES } from "../src/discord/render-answer.js";
import {
  computePings,
  messagePayloadOf,
  NO_PINGS,
  type DiscordEmulator,
  type Payload,
  type RecordedCall,
  type SentInteraction,
} from "./support/discord-emulator.js";
import { createFakePipeline, type FakePipeline } from "./support/discord-fake-pipeline.js";
import type { FeedbackRecord } from "../src/discord/bot-ports.js";

const RATE = 3;
const MINISTRY_QUESTION = "What did the Russian Foreign Ministry say about Hamas?";

let emulator: DiscordEmulator;
let pipeline: FakePipeline;
let commands: Map<string, Command>;
let harness: BotOnEmulator;
const logLines = () => harness.captured.lines();

beforeAll(async () => {
  pipeline = createFakePipeline();
  harness = await startBotOnEmulator({ pipeline, ratePerMinute: RATE, maxConcurrent: 2, logLevel: "debug" });
  ({ emulator, commands } = harness);
});

afterAll(async () => {
  await harness?.close();
});

/** Each test asks as its own member, so the per-member rate limit never couples tests. */
const member = (name: string) => emulator.createUser(name);
const callsFor = (sent: SentInteraction) => emulator.calls.filter((c) => c.params.token === sent.token);
const embedText = (message: Payload) =>
  (message.embeds ?? [])
    .map((e: Payload) => [e.title, e.description, ...(e.fields ?? []).flatMap((f: Payload) => [f.name, f.value])].join("\n"))
    .join("\n");
const customIds = (message: Payload): string[] =>
  (message.components ?? []).flatMap((row: Payload) => row.components.map((c: Payload) => c.custom_id));
const buttonId = (message: Payload, action: string) => customIds(message).find((id) => id.startsWith(`answer:${action}:`))!;

/** Every message the bot sent for these calls: nobody notified, even with @everyone and role mentions in play. */
function expectNoPings(calls: RecordedCall[]) {
  const sent = calls.filter((c) => {
    const message = c.method === "GET" || c.method === "DELETE" ? undefined : messagePayloadOf(c);
    return message && (message.content || message.embeds?.length);
  });
  expect(sent.length).toBeGreaterThan(0);
  for (const call of sent) {
    expect(computePings(messagePayloadOf(call))).toEqual(NO_PINGS);
    expect(messagePayloadOf(call)?.allowed_mentions).toMatchObject({ parse: [] });
  }
}

async function askAndWait(question: string, user: Payload, extra: Record<string, string | boolean> = {}) {
  const sent = emulator.sendInteraction(emulator.chatInput("ask", { question, ...extra }, { user }));
  const reply = await emulator.waitForOriginal(sent);
  await editRecorded(sent);
  return { sent, reply };
}

/** The original can change a moment before its call is recorded; wait for the record too. */
const editRecorded = (sent: SentInteraction) => emulator.waitFor((c) => c.params.token === sent.token && c.method === "PATCH");

describe("/ask", () => {
  it("GIVEN a question THEN defers at once, then edits in the answer citing the Foreign Ministry passage, pinging nobody", async () => {
    const user = member("asker");
    const { sent, reply } = await askAndWait(`${MINISTRY_QUESTION} @everyone <@&${emulator.guildId}>`, user);
    const calls = callsFor(sent);
    expect(calls[0]).toMatchObject({ method: "POST", route: "/interactions/:interactionId/:token/callback", status: 204 });
    expect(calls[0]!.body).toMatchObject({ type: 5 });
    expect(calls.find((c) => c.method === "PATCH")).toMatchObject({ path: expect.stringMatching(/\/messages\/@original$/), status: 200 });
    const text = embedText(reply);
    expect(reply.embeds[0].description).toContain(
      "A spokesman for the Russian Foreign Ministry, Mikhail Kamynin, said Russia would adhere to the approach agreed upon in London. [1]",
    );
    expect(text).toContain("`000_c0af5a29d12023ff.txt:12`");
    expect(text).toContain("2006-02-10");
    expect(text).toContain("(https://news.example/putin-hamas)");
    expect(reply.flags & MessageFlags.Ephemeral).toBe(0);
    expect(customIds(reply).map((id) => id.split(":")[1])).toEqual(["passages", "up", "down", "thread"]);
    expectNoPings(calls);
    // The pipeline got the question as asked, with today's date for words such as "this week".
    expect(pipeline.asks.at(-1)).toMatchObject({
      question: expect.stringContaining(MINISTRY_QUESTION),
      options: { asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
    });
  });

  it("GIVEN sources, since and private THEN the filters reach the pipeline and only the asker sees the answer, without a Follow up button", async () => {
    const { sent, reply } = await askAndWait(MINISTRY_QUESTION, member("private-asker"), { sources: "*.txt", since: "2006-01-01", private: true });
    expect(callsFor(sent)[0]!.body).toMatchObject({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(pipeline.asks.at(-1)!.options?.filters).toEqual({ source: "*.txt", since: "2006-01-01" });
    expect(customIds(reply).some((id) => id.startsWith("answer:thread:"))).toBe(false);
  });

  it("GIVEN a malformed since date THEN refuses privately, naming the format", async () => {
    const sent = emulator.sendInteraction(
      emulator.chatInput("ask", { question: MINISTRY_QUESTION, since: "last week" }, { user: member("bad-date") }),
    );
    const reply = await emulator.waitForOriginal(sent);
    expect(reply.content).toMatch(/YYYY-MM-DD/);
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  });

  it("GIVEN a question the articles do not answer THEN says so plainly and lists the nearest sources", async () => {
    const { reply } = await askAndWait("Who won the cricket world cup?", member("abstainer"));
    expect(reply.embeds[0].description).toContain(ABSTAIN_NOTICE);
    expect(embedText(reply)).toContain("000_c0af5a29d12023ff.txt:");
    expect(customIds(reply).some((id) => id.startsWith("answer:passages:"))).toBe(false);
  });

  it("GIVEN an answer too long for one message THEN it is one message accepted by Discord: the text cut at a sentence, the sources that fit, the rest named", async () => {
    const original = pipeline.ask;
    const [base] = await Promise.all([original(MINISTRY_QUESTION)]);
    const citation = base.citations[0]!;
    const huge: Answer = {
      ...base,
      text: Array.from({ length: 300 }, (_, i) => `Claim ${i} is supported by the ministry's statement [${(i % 30) + 1}].`).join(" "),
      citations: Array.from({ length: 30 }, (_, i) => ({ ...citation, n: i + 1, quote: `${citation.quote} `.repeat(8).trim() })),
    };
    pipeline.ask = async () => ({ ...huge, timings_ms: { retrieve: 1, answer: 1, total: 2 } });
    try {
      const { sent, reply } = await askAndWait(MINISTRY_QUESTION, member("long-answer"));
      const calls = callsFor(sent);
      expect(calls.every((c) => c.status < 300)).toBe(true);
      expect(emulator.interactionState(sent).followUps).toEqual([]);
      const shown = embedText(reply);
      expect(reply.embeds[0].description.length).toBeLessThanOrEqual(ANSWER_TEXT_MAX);
      for (let i = 0; i < 20; i++) expect(shown).toContain(`Claim ${i} is supported by the ministry's statement [${(i % 30) + 1}].`);
      expect(shown).toContain(`[1] ${citation.title}`);
      expect(shown).toContain(MORE_SOURCES);
      expect(buttonId(reply, "passages")).toBeDefined();
      expectNoPings(calls);
    } finally {
      pipeline.ask = original;
    }
  });
});

describe("/search and /sources", () => {
  it("GIVEN a query THEN lists ranked passages with scores and no answer", async () => {
    const sent = emulator.sendInteraction(emulator.chatInput("search", { query: "Foreign Ministry Hamas", k: 3 }, { user: member("searcher") }));
    const reply = await emulator.waitForOriginal(sent);
    await editRecorded(sent);
    const names = reply.embeds.flatMap((e: Payload) => e.fields ?? []).map((f: Payload) => f.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.length).toBeLessThanOrEqual(3);
    expect(names[0]).toMatch(/^1\. .*\(score \d\.\d{3}\)$/);
    expect(pipeline.searches.at(-1)).toMatchObject({ query: "Foreign Ministry Hamas", options: { k: 3 } });
    expectNoPings(callsFor(sent));
  });

  it("GIVEN 23 articles THEN /sources shows page 1 of 3 and the buttons turn pages", async () => {
    const user = member("pager");
    const sent = emulator.sendInteraction(emulator.chatInput("sources", {}, { user }));
    const first = await emulator.waitForOriginal(sent);
    expect(first.embeds[0].footer.text).toBe("Page 1 of 3 · 23 articles");
    expect(first.embeds[0].description).toContain("Putin says he may invite Hamas leaders to Moscow");

    const next = emulator.sendInteraction(emulator.buttonClick("sources:1:", first, user));
    await emulator.waitFor((c) => c.params.token === next.token && c.status === 204);
    expect(callsFor(next)[0]!.body).toMatchObject({ type: 7 });
    const second = emulator.message(first.id)!;
    expect(second.embeds[0].footer.text).toBe("Page 2 of 3 · 23 articles");
    expect(second.embeds[0].description).toMatch(/^11\. /);

    const filtered = emulator.sendInteraction(emulator.chatInput("sources", { filter: "putin" }, { user }));
    const only = await emulator.waitForOriginal(filtered);
    expect(only.embeds[0].footer.text).toBe("Page 1 of 1 · 1 article");
    expect(only.components ?? []).toEqual([]);
  });

  it("GIVEN /help THEN explains the commands and citations privately", async () => {
    const sent = emulator.sendInteraction(emulator.chatInput("help", {}, { user: member("helped") }));
    const reply = await emulator.waitForOriginal(sent);
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(reply.embeds[0].description).toContain("/ask");
    expect(reply.embeds[0].description).toContain("[n]");
  });
});

describe("answer buttons", () => {
  it("GIVEN Show passages THEN the full cited passages, only to the member who clicked", async () => {
    const user = member("reader-of-passages");
    const { reply } = await askAndWait(MINISTRY_QUESTION, user);
    const click = emulator.sendInteraction(emulator.buttonClick(buttonId(reply, "passages"), reply, user));
    const shown = await emulator.waitForOriginal(click);
    expect(callsFor(click)[0]!.body).toMatchObject({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    expect(shown.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    // The whole passage, including its second sentence that the citation's quote left out.
    expect(embedText(shown)).toContain("Later on Thursday, Russia's special Middle East envoy, Aleksandr Kalugin");
  });

  it("GIVEN 👍 and 👎 THEN each is one whole line in feedback.jsonl with the question, answer, citations and member", async () => {
    const user = member("rater");
    const { reply } = await askAndWait(MINISTRY_QUESTION, user);
    for (const action of ["up", "down"]) {
      const click = emulator.sendInteraction(emulator.buttonClick(buttonId(reply, action), reply, user));
      const thanks = await emulator.waitForOriginal(click);
      expect(thanks.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
      expect(thanks.content).toMatch(/Thanks/);
    }
    const records = (await readFile(harness.feedbackFile, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as FeedbackRecord);
    const mine = records.filter((r) => r.user_id === user.id);
    expect(mine.map((r) => r.rating)).toEqual(["up", "down"]);
    expect(mine[0]).toMatchObject({
      question: MINISTRY_QUESTION,
      answer: expect.stringContaining("[1]"),
      citations: [expect.objectContaining({ n: 1, passageId: "p-ministry" }), expect.anything()],
    });
  });

  it("GIVEN Follow up THEN a thread on the answer, where a mention is answered with the earlier question and sources", async () => {
    const user = member("follower");
    const { reply } = await askAndWait(MINISTRY_QUESTION, user);
    const click = emulator.sendInteraction(emulator.buttonClick(buttonId(reply, "thread"), reply, user));
    const pointer = await emulator.waitForOriginal(click);
    const threadCall = await emulator.waitFor(
      (c) => c.route === "/channels/:channelId/messages/:messageId/threads" && c.params.messageId === reply.id,
    );
    const threadId = (threadCall.response as Payload).id as string;
    expect(pointer.content).toContain(`<#${threadId}>`);
    expect((threadCall.body as Payload).name).toBe(MINISTRY_QUESTION);

    // Without the Message Content intent, a message that does not mention the bot is not for it.
    emulator.sendMessage({ channelId: threadId, content: "just chatting among ourselves", author: user });
    const followUp = emulator.sendMessage({ channelId: threadId, content: `<@${emulator.botUser.id}> and what did Israel say?`, author: user });
    const answerCall = await emulator.waitFor(
      (c) => c.method === "POST" && c.params.channelId === threadId && c.body?.message_reference?.message_id === followUp.message.id,
    );
    const asked = pipeline.asks.at(-1)!;
    // The member's words and the thread's history: the pipeline rewrites the follow-up (once, for every front end).
    expect(asked.question).toBe("and what did Israel say?");
    expect(asked.options?.history?.map((t) => t.question)).toEqual([MINISTRY_QUESTION]);
    expect(asked.options?.history?.map((t) => t.answer.citations.map((c) => c.passageId))).toEqual([["p-ministry", "p-livni"]]);
    expect(embedText(answerCall.body!)).toContain("[1]");
    expect(customIds(answerCall.body!).some((id) => id.startsWith("answer:thread:"))).toBe(false);
    expectNoPings([answerCall]);

    const more = emulator.sendMessage({ channelId: threadId, content: `<@${emulator.botUser.id}> tell me more about [2]`, author: user });
    await emulator.waitFor((c) => c.method === "POST" && c.body?.message_reference?.message_id === more.message.id);
    const second = pipeline.asks.at(-1)!;
    // "[2]" reaches the pipeline with the answers it points into (the pipeline quotes citation 2 in its place).
    expect(second.question).toBe("tell me more about [2]");
    expect(second.options?.history).toHaveLength(2);
    expect(second.options!.history!.flatMap((t) => t.answer.citations).some((c) => c.n === 2 && c.quote.includes("Tzipi Livni"))).toBe(true);
    const replies = emulator.calls.filter((c) => c.method === "POST" && c.params.channelId === threadId && c.body?.message_reference);
    expect(replies).toHaveLength(2);
  });
});

describe("mentions, limits and failures", () => {
  it("GIVEN a mention with a question in a channel THEN answers as a reply, pinging nobody", async () => {
    const user = member("mentioner");
    const sent = emulator.sendMessage({
      content: `<@${emulator.botUser.id}> What did the State Department official say about Putin's remarks? @everyone`,
      author: user,
    });
    expect(sent.dispatched).toBe(true);
    const call = await emulator.waitFor((c) => c.method === "POST" && c.body?.message_reference?.message_id === sent.message.id);
    expect(call.status).toBe(200);
    expect(embedText(call.body!)).toContain("senior State Department official");
    expect(customIds(call.body!).some((id) => id.startsWith("answer:thread:"))).toBe(true);
    expectNoPings([call]);
  });

  it(`GIVEN a member asking more than ${RATE} times a minute THEN a private reply says when to try again`, async () => {
    const user = member("hasty");
    for (let i = 0; i < RATE; i++) await askAndWait(`${MINISTRY_QUESTION} (${i})`, user);
    const before = pipeline.asks.length;
    const sent = emulator.sendInteraction(emulator.chatInput("ask", { question: MINISTRY_QUESTION }, { user }));
    const refusal = await emulator.waitForOriginal(sent);
    expect(callsFor(sent)[0]!.body).toMatchObject({ type: 4, data: { flags: MessageFlags.Ephemeral } });
    expect(refusal.content).toMatch(/Try again in \d+ s \(<t:\d+:R>\)/);
    expect(pipeline.asks.length).toBe(before);
    // Another member is not held back.
    const other = await askAndWait(MINISTRY_QUESTION, member("patient"));
    expect(other.reply.embeds.length).toBeGreaterThan(0);
  });

  it("GIVEN a question over 1,000 characters THEN refuses privately, naming the limit", async () => {
    const long = `${"Why ".repeat(260)}?`;
    const sent = emulator.sendInteraction(emulator.chatInput("ask", [{ name: "question", type: 3, value: long }], { user: member("verbose") }));
    const refusal = await emulator.waitForOriginal(sent);
    expect(refusal.content).toContain("1000");
    expect(refusal.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  });

  it("GIVEN a failing pipeline THEN the member gets a short private message and the log gets the detail", async () => {
    const secret = "index unreadable at /srv/secret/path (token=abc123)";
    pipeline.failWith = new Error(secret);
    try {
      const sent = emulator.sendInteraction(emulator.chatInput("ask", { question: MINISTRY_QUESTION }, { user: member("unlucky") }));
      const followUp = await emulator.waitFor((c) => c.params.token === sent.token && c.route === "/webhooks/:applicationId/:token");
      const message = messagePayloadOf(followUp)!;
      expect(message.content).toBe(FAILURE_MESSAGE);
      expect(message.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
      // The public "thinking…" was removed, and nothing the bot sent carries the error.
      expect(callsFor(sent).some((c) => c.method === "DELETE")).toBe(true);
      expect(emulator.interactionState(sent).original).toBeNull();
      for (const call of callsFor(sent)) expect(JSON.stringify(call.body ?? {})).not.toMatch(/secret|abc123|Error|\bat /);
      const logged = logLines().find((l) => l.msg === "interaction failed" && JSON.stringify(l).includes(secret));
      expect(logged).toBeDefined();
    } finally {
      pipeline.failWith = undefined;
    }
  });
});

describe("answering under load and faults", () => {
  it("GIVEN more questions than MAX_CONCURRENT_ANSWERS THEN the rest wait their turn and all are answered", async () => {
    const original = pipeline.ask;
    const gates: Array<() => void> = [];
    let running = 0;
    let peak = 0;
    pipeline.ask = async (question, options) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      return original(question, options);
    };
    try {
      const sent = [1, 2, 3].map((i) =>
        emulator.sendInteraction(emulator.chatInput("ask", { question: MINISTRY_QUESTION }, { user: member(`queued-${i}`) })),
      );
      await until(() => gates.length === 2);
      // All three were acknowledged at once, though only two are being answered.
      await emulator.waitUntil(() => sent.every((s) => emulator.interactionState(s).deferred));
      expect(running).toBe(2);
      gates.shift()!();
      // The first slot to free up goes to the third question.
      await until(() => gates.length === 2);
      for (const release of gates.splice(0)) release();
      for (const s of sent) expect((await emulator.waitForOriginal(s)).embeds[0].description).toContain("[1]");
      expect(peak).toBe(2);
    } finally {
      pipeline.ask = original;
    }
  });

  it("GIVEN a streaming answerer THEN the reply grows by edits and the final edit carries the citations", async () => {
    const original = pipeline.ask;
    pipeline.ask = async (question, options) => {
      options?.onToken?.("A spokesman for the Russian Foreign Ministry ");
      // Holds the answer back until Discord has shown the partial text.
      await emulator.waitFor((c) => c.method === "PATCH" && typeof c.body?.content === "string" && c.body.content.endsWith("▌"));
      return original(question, options);
    };
    try {
      const sent = emulator.sendInteraction(emulator.chatInput("ask", { question: MINISTRY_QUESTION }, { user: member("streamer") }));
      const reply = await emulator.waitForOriginal(sent, (m) => m.embeds?.length > 0);
      await emulator.waitFor((c) => c.params.token === sent.token && c.method === "PATCH" && c.body?.embeds?.length > 0);
      const edits = callsFor(sent).filter((c) => c.method === "PATCH");
      expect(edits[0]!.body).toMatchObject({ content: "A spokesman for the Russian Foreign Ministry ▌" });
      expect(edits.at(-1)!.body).toMatchObject({ content: "", embeds: [expect.objectContaining({ description: expect.stringContaining("[1]") })] });
      expect(reply.content).toBe("");
      expectNoPings(edits);
    } finally {
      pipeline.ask = original;
    }
  });

  it("GIVEN Discord answering the edit with 429 and then 500 THEN the answer still arrives", async () => {
    emulator.failNext({ method: "PATCH", path: /\/messages\/@original$/, status: 429, retryAfter: 0.05 });
    emulator.failNext({ method: "PATCH", path: /\/messages\/@original$/, status: 500 });
    const { sent, reply } = await askAndWait(MINISTRY_QUESTION, member("retried"));
    expect(
      callsFor(sent)
        .filter((c) => c.method === "PATCH")
        .map((c) => c.status),
    ).toEqual([429, 500, 200]);
    expect(reply.embeds[0].description).toContain("[1]");
  });
});

describe("with the Message Content intent", () => {
  it("GIVEN MESSAGE_CONTENT_INTENT=true THEN every message in a bot thread is a follow-up, mention or not", async () => {
    const ownPipeline = createFakePipeline();
    const ownHarness = await startBotOnEmulator({ pipeline: ownPipeline, messageContentIntent: true, maxConcurrent: 1, logLevel: "silent" });
    const own = ownHarness.emulator;
    try {
      const identify = own.gatewayLog.find((e) => e.direction === "in" && e.op === 2)!;
      expect(((identify.d as Payload).intents & (1 << 15)) !== 0).toBe(true);
      const sent = own.sendInteraction(own.chatInput("ask", { question: MINISTRY_QUESTION }));
      const reply = await own.waitForOriginal(sent);
      // No waiting for the bot's "follow up here": a message written the moment the thread exists is answered in context.
      own.sendInteraction(own.buttonClick(buttonId(reply, "thread"), reply));
      const threadCall = await own.waitFor((c) => c.route === "/channels/:channelId/messages/:messageId/threads");
      const threadId = (threadCall.response as Payload).id as string;
      const plain = own.sendMessage({ channelId: threadId, content: "and what did Israel say?" });
      await own.waitFor((c) => c.method === "POST" && c.body?.message_reference?.message_id === plain.message.id);
      expect(ownPipeline.asks.at(-1)!.options?.history).toHaveLength(1);
      // A follow-up near the 1,000-character limit still fits once the earlier question is attached.
      const long = own.sendMessage({ channelId: threadId, content: `and what did Israel say ${"about that again ".repeat(57)}?` });
      const longReply = await own.waitFor((c) => c.method === "POST" && c.body?.message_reference?.message_id === long.message.id);
      expect(longReply.body!.embeds?.length).toBeGreaterThan(0);
      expect(ownPipeline.asks.at(-1)!.question.length).toBeLessThanOrEqual(1000);
      // Outside its threads the bot still answers only when mentioned.
      own.sendMessage({ content: "what did Israel say, anyone?" });
      const mention = own.sendMessage({ content: `<@${own.botUser.id}> what did Israel say?` });
      await own.waitFor((c) => c.method === "POST" && c.body?.message_reference?.message_id === mention.message.id);
      expect(own.calls.filter((c) => c.method === "POST" && c.params.channelId === own.channelId && c.body?.message_reference)).toHaveLength(1);
    } finally {
      await ownHarness.close();
    }
  });
});

describe("deploy-commands", () => {
  const ALL_COMMANDS = ["ask", "gaps", "help", "reindex", "search", "sources", "stats"];
  it("GIVEN a guild id THEN PUTs the seven commands to that guild; without one, globally; --dry-run sends nothing", async () => {
    const base = { commands: commands.values(), token: emulator.token, clientId: emulator.applicationId, api: emulator.apiUrl };
    const guild = await deployCommands({ ...base, guildId: emulator.guildId });
    expect(guild).toMatchObject({ scope: "guild", sent: true, registered: 7 });
    const put = emulator.calls.filter((c) => c.method === "PUT" && c.route === "/applications/:applicationId/guilds/:guildId/commands").at(-1)!;
    expect(put.status).toBe(200);
    expect(put.headers.authorization).toBe(`Bot ${emulator.token}`);
    expect((put.body as unknown as Payload[]).map((c) => c.name).sort()).toEqual(ALL_COMMANDS);

    await deployCommands({ ...base, commands: commands.values() });
    expect(
      emulator
        .commands()
        .map((c) => c.name)
        .sort(),
    ).toEqual(ALL_COMMANDS);

    const before = emulator.calls.length;
    const printed: string[] = [];
    const dry = await deployCommands({ commands: commands.values(), dryRun: true, print: (t) => printed.push(t) });
    expect(dry.sent).toBe(false);
    expect(emulator.calls.length).toBe(before);
    expect((JSON.parse(printed.join("")) as { body: Payload[] }).body.map((c) => c.name).sort()).toEqual(ALL_COMMANDS);
  });

  it("GIVEN a mistyped flag (--dryrun) THEN npm run deploy-commands exits 2 with its usage and sends nothing", async () => {
    const before = emulator.calls.length;
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: tmpdir(),
      DISCORD_TOKEN: emulator.token,
      DISCORD_CLIENT_ID: emulator.applicationId,
      DISCORD_API_URL: emulator.apiUrl,
    };
    const child = spawnSync(join("node_modules", ".bin", "tsx"), ["scripts/deploy-commands.ts", "--dryrun"], { env, encoding: "utf8" });
    expect(child.status).toBe(2);
    expect(child.stderr).toContain("Unknown option '--dryrun'");
    expect(child.stderr).toContain("Usage: npm run deploy-commands");
    expect(emulator.calls.length).toBe(before);
  });
});
