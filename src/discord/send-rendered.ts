// Sends rendered messages through discord.js: the first as the reply, the rest after it, never a ping.
import { MessageFlags, type Message, type RepliableInteraction, type SendableChannels } from "discord.js";
import type { Logger } from "../base/log.js";
import { NO_PINGS } from "./answer-question.js";
import { findLimitViolations, type RenderedMessage } from "./discord-limits.js";

const UNSENDABLE: RenderedMessage = {
  content: "The answer could not be laid out within Discord's message limits. Please try a narrower question.",
  embeds: [],
};

/** A last guard: a message Discord would reject is logged and replaced by a short notice. */
export function ensureSendable(message: RenderedMessage, log: Logger): RenderedMessage {
  const problems = findLimitViolations(message);
  if (problems.length === 0) return message;
  log.error({ problems }, "rendered message breaks Discord limits");
  return UNSENDABLE;
}

function toPayload(message: RenderedMessage) {
  return { content: message.content ?? "", embeds: message.embeds, components: message.components ?? [], allowedMentions: NO_PINGS };
}

/** Edits the deferred reply into the first message; the others follow (private when the reply is). */
export async function editReplyWith(interaction: RepliableInteraction, messages: RenderedMessage[], log: Logger): Promise<void> {
  const [first, ...rest] = messages.map((message) => ensureSendable(message, log));
  if (!first) return;
  await interaction.editReply(toPayload(first));
  for (const message of rest) {
    await interaction.followUp({ ...toPayload(message), ...(interaction.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
  }
}

/** Answers a member's message: the first part as a reply to it, the rest in the same channel. */
export async function replyToMessageWith(message: Message, messages: RenderedMessage[], log: Logger): Promise<Message | undefined> {
  const [first, ...rest] = messages.map((m) => ensureSendable(m, log));
  if (!first) return undefined;
  const sent = await message.reply(toPayload(first));
  const channel = message.channel as SendableChannels;
  for (const part of rest) await channel.send(toPayload(part));
  return sent;
}
