// /reindex and live reload through the Discord emulator: the real bot, the real child-process build, the real
// local embedder and index over a temporary corpus.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ABSTAIN_NOTICE } from "../src/discord/render-answer.js";
import { buildEnvironment } from "../src/create-operations.js";
import { resolveIndexCommand } from "../src/serving/reindex-runner.js";
import { computePings, messagePayloadOf, NO_PINGS, type Payload, type SentInteraction } from "./support/discord-emulator.js";
import { startOpsBot, type OpsBot } from "./support/ops-bot.js";
import { until } from "./support/harness.js";

const HAMAS = await readFile(new URL("../corpus/000_c0af5a29d12023ff.txt", import.meta.url), "utf8");
const ORCHARD = [
  "Lunar Orchard Festival draws a record crowd in Tallinn",
  "The Lunar Orchard Festival in Tallinn drew 41,000 visitors this weekend, organiser Maret Kask said on Sunday.",
  "Kask said the festival's cider market sold out by Saturday evening.",
].join("\n");
const ORCHARD_QUESTION = "How many visitors did the Lunar Orchard Festival in Tallinn draw?";
const HARBOUR = [
  "Harbour ferry to Naissaar resumes",
  "The harbour ferry to Naissaar island resumed sailing on Monday after a three-week repair of its engine, the port authority said.",
].join("\n");
const HARBOUR_QUESTION = "When did the harbour ferry to Naissaar resume sailing?";
const BUILD_TIMEOUT = 60_000;

let h: OpsBot;
beforeAll(async () => {
  h = await startOpsBot({ articles: { "hamas.txt": HAMAS } });
}, BUILD_TIMEOUT);
afterAll(async () => {
  await h?.close();
});

const callsFor = (sent: SentInteraction) => h.emulator.calls.filter((c) => c.params.token === sent.token);
const embedText = (message: Payload) =>
  JSON.stringify((message.embeds ?? []).map((e: Payload) => [e.description, ...(e.fields ?? []).map((f: Payload) => `${f.name} ${f.value}`)]));

async function ask(question: string): Promise<Payload> {
  const sent = h.command("ask", { question }, "reader");
  return h.emulator.waitForOriginal(sent, undefined, 20_000);
}

/** Runs /reindex as a member with Manage Server and waits for its final reply. */
async function reindex(options: Record<string, boolean> = {}): Promise<{ sent: SentInteraction; reply: Payload }> {
  const sent = h.command("reindex", options, "manager");
  const reply = await h.emulator.waitForOriginal(sent, (m) => /^(✅|❌|A re-index is already running)/.test(m.content ?? ""), BUILD_TIMEOUT);
  return { sent, reply };
}

describe("/reindex", () => {
  it("is registered for Manage Server only (default_member_permissions), and guild-only", () => {
    const registered = h.emulator.commands(h.emulator.guildId);
    for (const name of ["reindex", "stats", "gaps"]) {
      expect(registered.find((c) => c.name === name)).toMatchObject({ default_member_permissions: "32", contexts: [0] });
    }
  });

  it(
    "GIVEN a new article and a file that cannot be read THEN progress edits, a summary naming the skipped file, and the next /ask cites the new article",
    async () => {
      const before = await ask(ORCHARD_QUESTION);
      expect(before.embeds[0].description).toContain(ABSTAIN_NOTICE);
      const servedBefore = h.ops.pipeline.served()!.generation;

      await h.writeArticle("orchard.txt", ORCHARD);
      await h.writeArticle("empty.txt", "");
      const { sent, reply } = await reindex();

      // Deferred privately at once, then edited: progress first, the summary last.
      const calls = callsFor(sent);
      expect(calls[0]!.body).toMatchObject({ type: 5, data: { flags: MessageFlags.Ephemeral } });
      const edits = calls.filter((c) => c.method === "PATCH").map((c) => c.body!.content as string);
      expect(edits.length).toBeGreaterThanOrEqual(2);
      expect(edits[0]).toMatch(/^Re-indexing… (reading files: \d+\/\d+|embedding new passages: \d+\/\d+, \d+\/s|writing the new index)/);
      expect(edits.at(-1)).toBe(reply.content);
      expect(reply.content).toMatch(/^✅ Indexed 3 files, 2 articles, \d+ passages \(\d+ embedded, \d+ reused, 0 removed, 1 skipped\)/);
      expect(reply.content).toContain("- empty.txt: empty file");
      expect(reply.content).toMatch(/Now answering from: 2 articles, \d+ passages from 3 files, built <t:\d+:R>/);

      expect(h.ops.pipeline.served()!.generation).not.toBe(servedBefore);
      const after = await ask(ORCHARD_QUESTION);
      expect(after.embeds[0].description).toContain("41,000 visitors");
      expect(embedText(after)).toContain("orchard.txt:2");
      // The article from before is still answered.
      expect(embedText(await ask("What did the Russian Foreign Ministry say about Hamas?"))).toContain("hamas.txt:12");
    },
    BUILD_TIMEOUT,
  );

  it(
    "GIVEN `npm run index` in a shell THEN the running bot switches to the new index without /reindex",
    async () => {
      const servedBefore = h.ops.pipeline.served()!.generation;
      await h.writeArticle("harbour.txt", HARBOUR);
      const { command, args } = resolveIndexCommand();
      const shell = spawn(command, args, { cwd: h.dir, env: buildEnvironment(h.config), stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      shell.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      shell.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const [code] = (await once(shell, "exit")) as [number | null];
      expect(code, output).toBe(0);
      expect(output).toContain("Indexed 4 files");

      // The watch on INDEX_DIR/CURRENT notices the publish (or, where file watching fails, the 2 s poll).
      await until(() => h.ops.pipeline.served()!.generation !== servedBefore);
      const reply = await ask(HARBOUR_QUESTION);
      expect(embedText(reply)).toContain("harbour.txt:2");
      expect(h.logLines().some((l) => l.msg === "index loaded" && l.reason === "a new index generation was published")).toBe(true);
    },
    BUILD_TIMEOUT,
  );

  it(
    "GIVEN a build that fails (another build holds the lock) THEN /reindex says why, and the bot keeps answering from the index it had",
    async () => {
      const served = h.ops.pipeline.served()!.generation;
      const lock = join(h.config.INDEX_DIR, "build.lock");
      // A live process (this one) holds the lock, as a build running in a shell would.
      await writeFile(lock, `${process.pid} held-by-the-test\n`);
      try {
        await h.writeArticle("late.txt", "Late news\nThe late ferry to Prangli was cancelled because of ice.");
        const { reply } = await reindex();
        expect(reply.content).toMatch(/^❌ The index build failed:\nAnother index build \(process \d+\) is running/);
        expect(reply.content).toContain("The bot keeps answering from the previous index.");
        expect(reply.content).not.toMatch(/\n\s+at /);
      } finally {
        await rm(lock, { force: true });
        await rm(join(h.corpusDir, "late.txt"), { force: true });
      }
      expect(h.ops.pipeline.served()!.generation).toBe(served);
      expect(embedText(await ask(ORCHARD_QUESTION))).toContain("orchard.txt:2");
      expect(h.logLines().some((l) => l.msg === "index build failed")).toBe(true);
    },
    BUILD_TIMEOUT,
  );

  it(
    "GIVEN /reindex while one is running THEN the second is told so, and only one build runs",
    async () => {
      const first = h.command("reindex", { rebuild: true }, "manager");
      await until(() => h.logLines().some((l) => l.msg === "index build started" && l.rebuild === true));
      const { sent, reply: second } = await reindex();
      expect(second.content).toBe(
        `A re-index is already running (started ${second.content.match(/<t:\d+:R>/)![0]} by <@${h.members.manager.id}>). Its reply will show the result.`,
      );
      // The mention names the admin who started it, and pings nobody.
      for (const call of callsFor(sent).filter((c) => c.method === "PATCH")) expect(computePings(messagePayloadOf(call))).toEqual(NO_PINGS);
      const done = await h.emulator.waitForOriginal(first, (m) => /^(✅|❌)/.test(m.content ?? ""), BUILD_TIMEOUT);
      expect(done.content).toMatch(/^✅ Indexed 4 files, 3 articles, \d+ passages \(\d+ embedded, 0 reused/);
      expect(h.logLines().filter((l) => l.msg === "index build started" && l.rebuild === true)).toHaveLength(1);
      expect(embedText(await ask(HARBOUR_QUESTION))).toContain("harbour.txt:2");
    },
    BUILD_TIMEOUT,
  );

  it("GIVEN a member without Manage Server or an admin role THEN /reindex is refused privately and nothing is built", async () => {
    const builds = h.logLines().filter((l) => l.msg === "index build started").length;
    const sent = h.command("reindex", {}, "reader");
    const reply = await h.emulator.waitForOriginal(sent);
    expect(callsFor(sent)[0]!.body).toMatchObject({ type: 4, data: { flags: MessageFlags.Ephemeral } });
    expect(reply.content).toMatch(/^Only members with the Manage Server permission/);
    expect(h.logLines().filter((l) => l.msg === "index build started").length).toBe(builds);
    expect(h.logLines().some((l) => l.msg === "admin command refused" && l.command === "reindex")).toBe(true);
  });
});
