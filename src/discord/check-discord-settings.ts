// Before connecting: are the Discord settings there? If not, say how to get them.
import type { Config } from "../base/config.js";

export const PORTAL = "https://discord.com/developers/applications";

/** A message for the person starting the bot, or undefined when token and client id are set. */
export function describeMissingDiscordSettings(config: Pick<Config, "DISCORD_TOKEN" | "DISCORD_CLIENT_ID">): string | undefined {
  const missing = (["DISCORD_TOKEN", "DISCORD_CLIENT_ID"] as const).filter((name) => !config[name]);
  if (missing.length === 0) return undefined;
  return [
    `Missing ${missing.join(" and ")}.`,
    `Create an application at ${PORTAL}:`,
    "  DISCORD_CLIENT_ID is its Application ID (General Information page);",
    "  DISCORD_TOKEN comes from the Bot page (Reset Token). Keep it secret.",
    "Put both in .env (see .env.example and 'Run it in Discord' in README.md), then run `npm run deploy-commands` and `npm start`.",
    'To try Newsdesk without Discord: npm run ask -- "What did the Russian Foreign Ministry say?"',
  ].join("\n");
}
