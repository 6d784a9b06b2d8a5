// Articles that are one enormous line (a 200 kB unpunctuated .txt line, a 5 MB JSONL record) through the real
// index, the real pipeline, the CLI and the real bot on the Discord emulator: every quote is capped around what
// was asked and still checks against its lines, every answer is bounded, and a Discord answer is one message.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPipelineWithIndex } from "../src/app/open-pipeline.js";
import { ANSWER_TEXT_MAX_CHARS } from "../src/cli/format-answer.js";
import { runQuery } from "../src/cli/run-query.js";
import { loadConfig } from "../src/base/config.js";
import { isQuoteOf, QUOTE_MAX_CHARS } from "../src/core/answer/cap-quote.js";
import { ANSWER_TEXT_MAX } from "../src/discord/render-answer.js";
import { createSilentLogger } from "../src/base/log.js";
import type { DiscordEmulator, Payload } from "./support/discord-emulator.js";
import { createFakeCliIo } from "./support/fake-cli-io.js";
import { startBotOnEmulator, type BotOnEmulator } from "./support/harness.js";
import { callsFor, messageCalls } from "./support/reliability-bot.js";
import { unpunctuated } from "./support/unpunctuated-text.js";

const CASES = {
  txt: {
    question: "What did harbour commissioner Aldous Vane announce about tariffs?",
    needle: "harbour commissioner aldous vane announced tariff cuts for fishing boats",
    source: "dump.txt",
    line: 3,
  },
  jsonl: {
    question: "What did lighthouse keeper Morwenna Tallis report about the pier?",
    needle: "lighthouse keeper morwenna tallis reported storm damage at the pier",
    source: "records.jsonl",
    line: 2,
  },
} as const;

/** The 200 kB line, and the 5 MB record's text. */
const TXT_LINE = `${unpunctuated(100_000, 7)} ${CASES.txt.needle} ${unpunctuated(100_000, 11)}`;
const RECORD_TEXT = `${unpunctuated(2_500_000, 3)} ${CASES.jsonl.needle} ${unpunctuated(2_500_000, 5)}`;

let dir: string;
let env: Record<string, string>;
let harness: BotOnEmulator;
let emulator: DiscordEmulator;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "newsdesk-long-lines-"));
  await mkdir(join(dir, "corpus"));
  await writeFile(join(dir, "corpus", "dump.txt"), `Harbour notes\n\n${TXT_LINE}\n`);
  const records = [
    { title: "Short record", text: "The ferry ran on time on Monday, the operator said." },
    { title: "Port log", text: RECORD_TEXT },
  ];
  await writeFile(join(dir, "corpus", "records.jsonl"), `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
  env = { CORPUS_DIR: join(dir, "corpus"), INDEX_DIR: join(dir, "index"), DATA_DIR: join(dir, "data"), LOG_LEVEL: "silent" };
  const { pipeline } = await openPipelineWithIndex(loadConfig(env), createSilentLogger());
  harness = await startBotOnEmulator({ pipeline, ratePerMinute: 1000 });
  emulator = harness.emulator;
}, 120_000);

afterAll(async () => {
  await harness?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The article text a citation of `source` quotes: the .txt line, or the JSONL record's decoded text. */
const articleText = (source: string) => (source === "dump.txt" ? TXT_LINE : RECORD_TEXT);

describe.each(Object.entries(CASES))("an article that is one enormous line (%s)", (_, { question, needle, source, line }) => {
  it("GIVEN ask --json THEN the answer and its quote stay under the cap, hold the words asked about and check against the cited line", async () => {
    const run = createFakeCliIo(env);
    expect(await runQuery("ask", ["--json", question], run.io)).toBe(0);
    const result = JSON.parse(run.stdout());
    expect(result.abstained).toBe(false);
    const [citation] = result.citations;
    expect(citation).toMatchObject({ n: 1, source, lines: [line, line] });
    expect(citation.quote.length).toBeLessThanOrEqual(QUOTE_MAX_CHARS);
    expect(citation.quote).toContain(needle);
    expect(isQuoteOf(citation.quote, articleText(source))).toBe(true);
    if (source === "dump.txt") {
      const fileLine = (await readFile(join(dir, "corpus", source), "utf8")).split("\n")[line - 1]!;
      expect(isQuoteOf(citation.quote, fileLine)).toBe(true);
    }
    expect(result.answer.length).toBeLessThanOrEqual(3 * (QUOTE_MAX_CHARS + 5));
  });

  it("GIVEN ask in a terminal, and search THEN what is printed is bounded", async () => {
    const ask = createFakeCliIo(env);
    expect(await runQuery("ask", [question], ask.io)).toBe(0);
    expect(ask.stdout().length).toBeLessThan(ANSWER_TEXT_MAX_CHARS + 3 * (QUOTE_MAX_CHARS + 200));
    expect(ask.stdout()).toContain(needle);
    const search = createFakeCliIo(env);
    expect(await runQuery("search", ["--json", "--k", "3", question], search.io)).toBe(0);
    const results = JSON.parse(search.stdout()).results as Array<{ source: string; text: string }>;
    const mine = results.find((r) => r.source === source)!;
    expect(mine.text.length).toBeLessThanOrEqual(1000);
    expect(mine.text).toContain(needle);
    expect(isQuoteOf(mine.text, articleText(source))).toBe(true);
  });

  it("GIVEN /ask in Discord THEN the answer is one message, and Show passages one private message around the quote", async () => {
    const user = emulator.createUser(`reader-${source}`);
    const sent = emulator.sendInteraction(emulator.chatInput("ask", { question }, { user }));
    const reply: Payload = await emulator.waitForOriginal(sent, (m) => m.embeds?.length > 0, 30_000);
    const calls = callsFor(emulator, sent);
    for (const call of calls) expect(call.status).toBeLessThan(300);
    expect(emulator.interactionState(sent).followUps).toEqual([]);
    expect(messageCalls(calls).filter((c) => c.method !== "PATCH")).toEqual([]);
    const [embed] = reply.embeds;
    expect(embed.description.length).toBeLessThanOrEqual(ANSWER_TEXT_MAX);
    expect(embed.description).toContain(needle);
    expect(embed.fields[0].value).toContain(needle);
    expect(embed.fields[0].value.length).toBeLessThan(QUOTE_MAX_CHARS + 200);

    const button = reply.components[0].components.find((c: Payload) => String(c.custom_id).startsWith("answer:passages:"));
    const click = emulator.sendInteraction(emulator.buttonClick(button.custom_id, reply, user));
    const shown = await emulator.waitForOriginal(click, (m) => m.embeds?.length > 0, 30_000);
    expect(shown.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(emulator.interactionState(click).followUps).toEqual([]);
    expect(shown.embeds.map((e: Payload) => e.description).join("")).toContain(needle);
  });
});
