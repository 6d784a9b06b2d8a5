// npm start: the bot's composition root. Config → logger → operations (health, the reloadable pipeline, logs)
// → commands → bot.
import "dotenv/config";
import { ConfigError, loadConfig, type Config } from "./base/config.js";
import { describeMissingDiscordSettings } from "./discord/check-discord-settings.js";
import { createLogger, redactSecrets, secretsIn, type Logger } from "./base/log.js";

/** Exits with a message meant for the person starting the bot: no stack trace. */
function fail(message: string): never {
  process.stderr.write(`${redactSecrets(message, secretsIn(process.env))}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const missing = describeMissingDiscordSettings(config);
  if (missing) fail(missing);
  const token = config.DISCORD_TOKEN as string;

  // The pipeline and discord.js load only once the settings are known to be there: a missing token is
  // reported at once instead of after seconds of imports.
  const [{ createOperations }, { createBot }, { COMMANDS_DIR, loadCommands }] = await Promise.all([
    import("./create-operations.js"),
    import("./discord/create-bot.js"),
    import("./discord/load-commands.js"),
  ]);
  const log: Logger = createLogger(config.LOG_LEVEL, undefined, secretsIn(process.env));
  const ops = createOperations({ config, log });
  // /healthz answers 503 ("index not loaded") during a first build, rather than refusing connections.
  await ops.startHealthServer();
  await ops.loadIndex();
  const commands = await loadCommands(COMMANDS_DIR, log);
  const stopAll = () => Promise.allSettled([bot.stop(), ops.stop()]);
  const bot = createBot({
    pipeline: ops.pipeline,
    log,
    config,
    commands,
    feedback: ops.feedback,
    events: ops.events,
    ops: ops.services,
    // A token revoked while running: discord.js gives up, so exit with the reason rather than sit deaf.
    onFatalDisconnect: (message) => void stopAll().finally(() => fail(message)),
  });
  ops.attachBot(bot);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    Promise.all([bot.stop(), ops.stop()]).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));

  try {
    await bot.start(token);
  } catch (error) {
    log.error({ err: error }, "login failed");
    await stopAll();
    fail(`Could not connect to Discord: ${describeLoginError(error)}`);
  }
}

function describeLoginError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/token/i.test(message)) return "the token was refused. Copy a fresh one from the Bot page of your application into DISCORD_TOKEN.";
  if (/disallowed intents/i.test(message)) {
    return "Discord refused the Message Content intent. Enable it on the Bot page of your application, or set MESSAGE_CONTENT_INTENT=false.";
  }
  return message;
}

main().catch((error: unknown) => {
  // Anything unexpected at start-up (an unreadable index, say) is explained without a stack trace.
  fail(`Newsdesk could not start: ${error instanceof Error ? error.message : String(error)}`);
});
