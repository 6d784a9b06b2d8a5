// What the integration suites share: a captured logger, one way to wait for a condition, and the real bot on
// the Discord emulator (commands from commands/, registered first so the emulator types their options).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../src/base/log.js";
import { captureLog, type CapturedLog } from "./capture-log.js";
import type { Pipeline } from "../../src/core/ports.js";
import type { Command } from "../../src/discord/command.js";
import { createBot, type Bot, type BotDeps } from "../../src/discord/create-bot.js";
import { deployCommands } from "../../src/discord/deploy-commands.js";
import { COMMANDS_DIR, loadCommands } from "../../src/discord/load-commands.js";
import { createFeedbackStore } from "../../src/ops/feedback-store.js";
import { startDiscordEmulator, type DiscordEmulator, type DiscordEmulatorOptions } from "./discord-emulator.js";

export { captureLog, type CapturedLog };

/**
 * Polls `check` until it holds. For conditions on the bot's side: the emulator's own waitUntil re-checks its
 * waiters only when Discord traffic arrives.
 */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = "a condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Loads commands/ and registers them on the emulator, as `npm run deploy-commands` does on Discord. */
export async function deployAllCommands(emulator: DiscordEmulator, log: Logger): Promise<Map<string, Command>> {
  const commands = await loadCommands(COMMANDS_DIR, log);
  await deployCommands({
    commands: commands.values(),
    token: emulator.token,
    clientId: emulator.applicationId,
    guildId: emulator.guildId,
    api: emulator.apiUrl,
  });
  return commands;
}

export interface BotOnEmulator {
  emulator: DiscordEmulator;
  bot: Bot;
  commands: Map<string, Command>;
  captured: CapturedLog;
  /** Where 👍/👎 are written. */
  feedbackFile: string;
  close(): Promise<void>;
}

export interface BotOnEmulatorOptions {
  pipeline: Pipeline;
  ratePerMinute?: number;
  maxConcurrent?: number;
  messageContentIntent?: boolean;
  logLevel?: string;
  emulator?: DiscordEmulatorOptions;
  onFatalDisconnect?: BotDeps["onFatalDisconnect"];
}

/** Starts an emulator and the real bot on it, with a pipeline of the test's choosing. */
export async function startBotOnEmulator(options: BotOnEmulatorOptions): Promise<BotOnEmulator> {
  const emulator = await startDiscordEmulator(options.emulator);
  const dataDir = await mkdtemp(join(tmpdir(), "newsdesk-bot-"));
  const captured = captureLog(options.logLevel ?? "trace");
  const commands = await deployAllCommands(emulator, captured.log);
  const feedbackFile = join(dataDir, "feedback.jsonl");
  const bot = createBot({
    pipeline: options.pipeline,
    log: captured.log,
    commands,
    config: {
      DISCORD_API_URL: emulator.apiUrl,
      MESSAGE_CONTENT_INTENT: options.messageContentIntent ?? false,
      RATE_LIMIT_PER_MINUTE: options.ratePerMinute ?? 6,
      MAX_CONCURRENT_ANSWERS: options.maxConcurrent ?? 4,
      LOG_QUESTIONS: false,
    },
    feedback: createFeedbackStore(feedbackFile),
    ...(options.onFatalDisconnect ? { onFatalDisconnect: options.onFatalDisconnect } : {}),
  });
  await bot.start(emulator.token);
  return {
    emulator,
    bot,
    commands,
    captured,
    feedbackFile,
    close: async () => {
      await bot.stop();
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
