/** Ids and tokens shaped like Discord's, so code that reads them (creation dates, the id in a token) works. */
import { randomBytes } from "node:crypto";

const DISCORD_EPOCH = 1_420_070_400_000n;

/** Time-ordered snowflakes, so discord.js derives sensible creation dates and ids sort by age. */
export function createSnowflakeSource(): () => string {
  let last = 0n;
  return () => {
    const fromClock = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    last = fromClock > last ? fromClock : last + 1n;
    return last.toString();
  };
}

/** Shaped like a real bot token (base64 id . timestamp . hmac) for code that reads the id out of it. */
export function newBotToken(applicationId: string): string {
  return `${Buffer.from(applicationId).toString("base64url")}.Emulat.${randomBytes(20).toString("base64url")}`;
}

export function newInteractionToken(): string {
  return `emulated-interaction.${randomBytes(48).toString("base64url")}`;
}

export function newSessionId(): string {
  return randomBytes(16).toString("hex");
}
