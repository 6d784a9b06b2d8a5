// npm run deploy-commands [-- --dry-run]: registers the slash commands (guild when DISCORD_GUILD_ID is set).
import "dotenv/config";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/base/config.js";
import { PersonFacingError } from "../src/core/person-facing-error.js";
import { describeMissingDiscordSettings } from "../src/discord/check-discord-settings.js";
import { deployCommands } from "../src/discord/deploy-commands.js";
import { COMMANDS_DIR, loadCommands } from "../src/discord/load-commands.js";
import { createLogger, redactSecrets, secretsIn } from "../src/base/log.js";

const USAGE = `Usage: npm run deploy-commands [-- --dry-run]

Registers the slash commands in commands/ with Discord: for the guild DISCORD_GUILD_ID when set (available at
once), else globally. Needs DISCORD_TOKEN and DISCORD_CLIENT_ID.

  --dry-run   print what would be sent, send nothing
  -h, --help  show this help`;

async function main(): Promise<number> {
  let dryRun: boolean;
  try {
    // Strict: a typo such as --dryrun must not deploy for real.
    const { values } = parseArgs({ args: process.argv.slice(2), options: { "dry-run": { type: "boolean" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    dryRun = values["dry-run"] ?? false;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, undefined, secretsIn(process.env));
  if (!dryRun) {
    const missing = describeMissingDiscordSettings(config);
    if (missing) {
      process.stderr.write(`${missing}\n(Or see what would be sent: npm run deploy-commands -- --dry-run)\n`);
      return 1;
    }
  }
  const commands = await loadCommands(COMMANDS_DIR, log);
  const result = await deployCommands({
    commands: commands.values(),
    ...(config.DISCORD_TOKEN ? { token: config.DISCORD_TOKEN } : {}),
    ...(config.DISCORD_CLIENT_ID ? { clientId: config.DISCORD_CLIENT_ID } : {}),
    ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}),
    ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}),
    dryRun,
    print: (text) => process.stdout.write(`${text}\n`),
  });
  if (result.sent) {
    const where =
      result.scope === "guild"
        ? `guild ${config.DISCORD_GUILD_ID} (available now)`
        : "all servers (global commands can take up to an hour to appear)";
    process.stdout.write(`Registered ${result.registered} commands (${result.body.map((c) => `/${c.name}`).join(", ")}) for ${where}.\n`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // The person running this needs the reason, not a stack trace.
    const reason =
      error instanceof PersonFacingError
        ? error.message
        : `Could not register the commands: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${redactSecrets(reason, secretsIn(process.env))}\n`);
    process.exit(1);
  },
);
