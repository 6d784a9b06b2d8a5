// Messages the bot answers: a mention in a channel (as a reply), and follow-ups in threads it started.
import type { Message } from "discord.js";
import { admitQuestion, answerQuestion, NO_PINGS } from "./answer-question.js";
import type { BotContext } from "./command.js";
import { FAILURE_MESSAGE } from "./interaction-router.js";
import { replyToMessageWith } from "./send-rendered.js";

export const EMPTY_MENTION_HINT = "Ask me a question after the mention, for example: what did the Russian Foreign Ministry say about Hamas?";

/** Removes mentions of the bot (and the spaces they leave) from a message's text. */
export function stripBotMention(content: string, botUserId: string): string {
  return content
    .replace(new RegExp(`<@!?${botUserId}>`, "g"), " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Whether the bot should answer this message, and whether it is a follow-up in one of its threads. */
export function classifyMessage(message: Message, botUserId: string, messageContentIntent: boolean): "ignore" | "mention" | "thread" {
  if (message.author.bot || message.system || message.webhookId) return "ignore";
  const channel = message.channel;
  const inBotThread = channel.isThread() && channel.ownerId === botUserId;
  // Only a direct mention of the bot counts: @everyone or a role never summons it.
  const mentioned = message.mentions.users.has(botUserId);
  if (inBotThread && (mentioned || messageContentIntent)) return "thread";
  return mentioned ? "mention" : "ignore";
}

export async function routeMessage(message: Message, context: BotContext): Promise<void> {
  const botUserId = message.client.user.id;
  const kind = classifyMessage(message, botUserId, context.settings.messageContentIntent);
  if (kind === "ignore") return;
  try {
    const text = stripBotMention(message.content, botUserId);
    if (!/[\p{L}\p{N}]/u.test(text)) {
      if (kind === "mention") await message.reply({ content: EMPTY_MENTION_HINT, allowedMentions: NO_PINGS });
      return;
    }
    const admission = admitQuestion(text, message.author.id, context);
    if (admission.refusal !== undefined) {
      await message.reply({ content: admission.refusal, allowedMentions: NO_PINGS });
      return;
    }
    const question = admission.question;
    const threadId = kind === "thread" ? message.channelId : undefined;
    const answered = await answerQuestion(context, {
      question,
      userId: message.author.id,
      guildId: message.guildId,
      channelId: message.channelId,
      history: threadId ? context.conversations.history(threadId) : [],
      canFollowUp: !message.channel.isThread() && message.inGuild(),
    });
    if (threadId) context.conversations.append(threadId, answered.turn);
    await replyToMessageWith(message, answered.messages, context.log);
  } catch (error) {
    context.log.error({ err: error, message_id: message.id, channel_id: message.channelId, user_id: message.author.id }, "message answer failed");
    context.events?.failed?.({ where: "message" });
    await message.reply({ content: FAILURE_MESSAGE, allowedMentions: NO_PINGS }).catch((secondError: unknown) => {
      context.log.warn({ err: secondError, message_id: message.id }, "could not tell the member about a failure");
    });
  }
}
