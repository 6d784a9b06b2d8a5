// Gateway close codes that discord.js will not recover from, in words for the person running the bot.
import { GatewayCloseCodes } from "discord.js";

const FATAL_CLOSES: Partial<Record<number, string>> = {
  [GatewayCloseCodes.AuthenticationFailed]:
    "Discord refused the bot's token (gateway close 4004): it was reset or revoked. Copy a fresh one from the Bot page of your application into DISCORD_TOKEN and start the bot again.",
  [GatewayCloseCodes.DisallowedIntents]:
    "Discord refused the Message Content intent (gateway close 4014). Enable it on the Bot page of your application, or set MESSAGE_CONTENT_INTENT=false, and start the bot again.",
  [GatewayCloseCodes.InvalidIntents]: "Discord refused the bot's intents (gateway close 4013). Start the bot again; if it persists, report it.",
  [GatewayCloseCodes.ShardingRequired]: "Discord requires this bot to be sharded (gateway close 4011): it is in too many servers for one connection.",
  [GatewayCloseCodes.InvalidShard]: "Discord refused the shard settings (gateway close 4010).",
  [GatewayCloseCodes.InvalidAPIVersion]: "Discord refused the gateway version (gateway close 4012): update discord.js.",
};

/** Why the gateway closed for good, fit to print; a generic sentence for a code not listed. */
export function describeGatewayClose(code: number): string {
  return FATAL_CLOSES[code] ?? `Discord closed the gateway connection for good (close ${code}). Start the bot again.`;
}
