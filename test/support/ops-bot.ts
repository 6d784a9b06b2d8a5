// The bot as src/main.ts composes it (operations, reloadable pipeline, logs, health server), over a temporary
// corpus and the real local embedder and index, talking to the Discord emulator on 127.0.0.1.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { loadConfig, type Config } from "../../src/base/config.js";
import { createBot, type Bot } from "../../src/discord/create-bot.js";
import { createOperations, type Operations, type OperationsOptions } from "../../src/create-operations.js";
import { startDiscordEmulator, type DiscordEmulator, type Payload } from "./discord-emulator.js";
import { captureLog, deployAllCommands } from "./harness.js";

export interface OpsBot {
  emulator: DiscordEmulator;
  bot: Bot;
  ops: Operations;
  config: Config;
  dir: string;
  corpusDir: string;
  healthUrl: string;
  adminRole: Payload;
  /** The log so far, parsed. */
  logLines(): Array<Record<string, unknown>>;
  /** An ordinary member, a member with Manage Server, and a member with only the admin role. */
  members: { reader: Payload; manager: Payload; roleAdmin: Payload };
  writeArticle(name: string, text: string): Promise<void>;
  /** Sends a slash command as the given member with their permissions and roles. */
  command(
    name: string,
    options: Record<string, string | number | boolean>,
    as: "reader" | "manager" | "roleAdmin" | Payload,
  ): ReturnType<DiscordEmulator["sendInteraction"]>;
  close(): Promise<void>;
}

export interface OpsBotOptions {
  articles: Record<string, string>;
  env?: Record<string, string>;
  operations?: Partial<Omit<OperationsOptions, "config" | "log">>;
}

export async function startOpsBot(options: OpsBotOptions): Promise<OpsBot> {
  const dir = await mkdtemp(join(tmpdir(), "newsdesk-ops-"));
  const corpusDir = join(dir, "corpus");
  await mkdir(corpusDir);
  const writeArticle = (name: string, text: string) => writeFile(join(corpusDir, name), text);
  for (const [name, text] of Object.entries(options.articles)) await writeArticle(name, text);

  const emulator = await startDiscordEmulator();
  const adminRole = emulator.createRole("Newsdesk admins");
  const config = loadConfig({
    CORPUS_DIR: corpusDir,
    INDEX_DIR: join(dir, "index"),
    DATA_DIR: join(dir, "data"),
    HEALTH_PORT: "0",
    ADMIN_ROLE_IDS: adminRole.id,
    RATE_LIMIT_PER_MINUTE: "60",
    DISCORD_API_URL: emulator.apiUrl,
    ...options.env,
  });
  const captured = captureLog("debug");
  const log = captured.log;
  const commands = await deployAllCommands(emulator, log);

  // The same order as src/main.ts.
  const ops = createOperations({ config, log, pollMs: 2_000, ...options.operations });
  const healthUrl = (await ops.startHealthServer())!;
  await ops.loadIndex();
  const bot = createBot({ pipeline: ops.pipeline, log, config, commands, feedback: ops.feedback, events: ops.events, ops: ops.services });
  ops.attachBot(bot);
  await bot.start(emulator.token);

  const members = { reader: emulator.createUser("reader"), manager: emulator.createUser("manager"), roleAdmin: emulator.createUser("role-admin") };
  const contexts = {
    reader: { user: members.reader },
    manager: {
      user: members.manager,
      permissions: String(PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages),
    },
    roleAdmin: { user: members.roleAdmin, roles: [adminRole.id] },
  };
  return {
    emulator,
    bot,
    ops,
    config,
    dir,
    corpusDir,
    healthUrl,
    adminRole,
    logLines: captured.lines,
    members,
    writeArticle,
    command: (name, commandOptions, as) =>
      emulator.sendInteraction(emulator.chatInput(name, commandOptions, typeof as === "string" ? contexts[as] : { user: as })),
    async close() {
      await bot.stop();
      await ops.stop();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
