// The real bot on the Discord emulator for the reliability suites, with its log captured line by line, and
// the checks those suites share: who a sent message would ping, and which links it hides.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { Pipeline } from "../../src/core/ports.js";
import type { Command } from "../../src/discord/command.js";
import { createBot, type Bot, type BotDeps } from "../../src/discord/create-bot.js";
import { deployCommands } from "../../src/discord/deploy-commands.js";
import { COMMANDS_DIR, loadCommands } from "../../src/discord/load-commands.js";
import { createFeedbackStore } from "../../src/ops/feedback-store.js";
import type { Logger } from "../../src/base/log.js";
import { computePings, messagePayloadOf, startDiscordEmulator, type DiscordEmulator, type DiscordEmulatorOptions, type Payload, type RecordedCall, type SentInteraction } from "./discord-emulator.js";

export interface BotOnEmulator {
  emulator: DiscordEmulator;
  bot: Bot;
  commands: Map<string, Command>;
  /** Every log line as pino wrote it (raw JSON text), for greps. */
  rawLog: string[];
  /** The same lines, parsed. */
  log(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface BotOnEmulatorOptions {
  pipeline: Pipeline;
  ratePerMinute?: number;
  maxConcurrent?: number;
  emulator?: DiscordEmulatorOptions;
  onFatalDisconnect?: BotDeps["onFatalDisconnect"];
}

/** A logger whose every line lands in `lines` as written. */
export function captureRawLog(level = "debug"): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: pino({ level }, { write: (line: string) => void lines.push(line) }), lines };
}

/** Starts an emulator and the bot (commands from commands/, registered first so options are typed). */
export async function startBotOnEmulator(options: BotOnEmulatorOptions): Promise<BotOnEmulator> {
  const emulator = await startDiscordEmulator(options.emulator);
  const dataDir = await mkdtemp(join(tmpdir(), "newsdesk-reliability-"));
  const { log, lines } = captureRawLog("trace");
  const commands = await loadCommands(COMMANDS_DIR, log);
  await deployCommands({ commands: commands.values(), token: emulator.token, clientId: emulator.applicationId, guildId: emulator.guildId, api: emulator.apiUrl });
  const bot = createBot({
    pipeline: options.pipeline,
    log,
    commands,
    config: {
      DISCORD_API_URL: emulator.apiUrl,
      MESSAGE_CONTENT_INTENT: false,
      RATE_LIMIT_PER_MINUTE: options.ratePerMinute ?? 6,
      MAX_CONCURRENT_ANSWERS: options.maxConcurrent ?? 4,
      LOG_QUESTIONS: false,
    },
    feedback: createFeedbackStore(join(dataDir, "feedback.jsonl")),
    ...(options.onFatalDisconnect ? { onFatalDisconnect: options.onFatalDisconnect } : {}),
  });
  await bot.start(emulator.token);
  return {
    emulator,
    bot,
    commands,
    rawLog: lines,
    log: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    close: async () => {
      await bot.stop();
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Calls that carried a message (content or embeds) to Discord. */
export function messageCalls(calls: RecordedCall[]): RecordedCall[] {
  return calls.filter((c) => {
    if (c.method === "GET" || c.method === "DELETE") return false;
    const message = messagePayloadOf(c);
    return Boolean(message && (message.content || message.embeds?.length));
  });
}

/** Every piece of text a member could read in a message: content, embed titles, descriptions, fields, footers. */
export function visibleText(message: Payload | undefined): string {
  if (!message) return "";
  const embeds: Payload[] = message.embeds ?? [];
  return [
    message.content ?? "",
    ...embeds.flatMap((e) => [e.title, e.description, e.footer?.text, e.author?.name, ...(e.fields ?? []).flatMap((f: Payload) => [f.name, f.value])]),
  ]
    .filter((part): part is string => typeof part === "string")
    .join("\n");
}

/** What pings a message would cause on Discord, and whether its content shows a mass or member mention at all. */
export function describeMentions(message: Payload | undefined): { pings: ReturnType<typeof computePings>; parse: unknown; contentMentions: string[] } {
  const content = typeof message?.content === "string" ? message.content : "";
  return {
    pings: computePings(message),
    parse: message?.allowed_mentions?.parse,
    contentMentions: content.match(/@(everyone|here)\b|<@[!&]?\d+>/g) ?? [],
  };
}

/** Masked links `[text](url)` that Discord would render: neither bracket nor parenthesis escaped. */
export function maskedLinks(text: string): Array<{ text: string; url: string }> {
  const links: Array<{ text: string; url: string }> = [];
  for (const match of text.matchAll(/(?<!\\)\[((?:\\.|[^\]\\])*)\]\((<?[^)\s]+>?)(?:\s+"[^"]*")?\)/g)) {
    links.push({ text: match[1]!, url: match[2]!.replace(/^<|>$/g, "") });
  }
  return links;
}

/** Polls a condition on the bot's side (the emulator re-checks its waiters only on Discord traffic). */
export async function until(check: () => boolean, timeoutMs = 5_000, what = "a condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An interaction's calls. */
export const callsFor = (emulator: DiscordEmulator, sent: SentInteraction) => emulator.calls.filter((c) => c.params.token === sent.token);

/** A gate the fake pipeline waits on: `open()` lets every waiting answer through. */
export function createGate(): { wait(): Promise<void>; open(): void; readonly waiting: number } {
  let waiters: Array<() => void> = [];
  return {
    wait: () => new Promise<void>((resolve) => waiters.push(resolve)),
    open: () => {
      const release = waiters;
      waiters = [];
      for (const resolve of release) resolve();
    },
    get waiting() {
      return waiters.length;
    },
  };
}
