// The buttons under an answer: show passages, 👍/👎, and "Follow up" (a thread for the conversation).
import { DiscordAPIError, MessageFlags, RESTJSONErrorCodes, ThreadAutoArchiveDuration, type ButtonInteraction } from "discord.js";
import { NO_PINGS } from "./answer-question.js";
import { parseAnswerButtonId } from "./answer-buttons.js";
import type { BotContext, StoredAnswer } from "./command.js";
import { DISCORD_LIMITS } from "./discord-limits.js";
import { renderPassages } from "./render-passages.js";
import { editReplyWith } from "./send-rendered.js";

export const FORGOTTEN_ANSWER =
  "That answer is no longer in my memory (answers are kept for a day, and not across restarts). Please ask again with /ask.";
export const FEEDBACK_THANKS = { up: "Thanks! Your 👍 was recorded.", down: "Thanks. Your 👎 was recorded; it helps us find what to fix." } as const;

/** Handles a click on one of the answer buttons; returns false when the custom_id is not one of them. */
export async function handleAnswerButton(interaction: ButtonInteraction, context: BotContext): Promise<boolean> {
  const parsed = parseAnswerButtonId(interaction.customId);
  if (!parsed) return false;
  const stored = context.answers.get(parsed.answerId);
  if (!stored) {
    await interaction.reply({ content: FORGOTTEN_ANSWER, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
    return true;
  }
  switch (parsed.action) {
    case "passages":
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await editReplyWith(
        interaction,
        renderPassages(stored.answer.citations, (id) => context.pipeline.getPassage(id)),
        context.log,
      );
      return true;
    case "up":
    case "down":
      await recordFeedback(interaction, context, stored, parsed.action);
      return true;
    case "thread":
      await startFollowUpThread(interaction, context, stored);
      return true;
  }
}

async function recordFeedback(interaction: ButtonInteraction, context: BotContext, stored: StoredAnswer, rating: "up" | "down") {
  await context.feedback.record({
    time: new Date(context.now()).toISOString(),
    user_id: interaction.user.id,
    rating,
    question: stored.asked,
    answer: stored.answer.text,
    abstained: stored.answer.abstained,
    citations: stored.answer.citations.map(({ n, source, title, lines, quote, passageId }) => ({ n, source, title, lines, quote, passageId })),
    guild_id: interaction.guildId,
    channel_id: interaction.channelId,
  });
  context.log.info({ answer_id: stored.id, user_id: interaction.user.id, rating }, "feedback recorded");
  await interaction.reply({ content: FEEDBACK_THANKS[rating], flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
}

/** Starts a thread on the answer and remembers the exchange so far as the thread's conversation. */
async function startFollowUpThread(interaction: ButtonInteraction, context: BotContext, stored: StoredAnswer) {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const existing = interaction.message.thread;
  if (existing) {
    await interaction.editReply({ content: `The conversation continues in <#${existing.id}>.`, allowedMentions: NO_PINGS });
    return;
  }
  const name = threadName(stored.asked);
  let threadId: string;
  const remember = (id: string) => {
    for (const turn of stored.history) context.conversations.append(id, turn);
    context.conversations.append(id, { question: stored.answer.question, answer: stored.answer });
  };
  // A thread started from a message takes the message's id: remembering first means a follow-up written the
  // instant the thread appears already has its conversation.
  remember(interaction.message.id);
  try {
    const thread = await interaction.message.startThread({ name, autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
    threadId = thread.id;
    if (thread.id !== interaction.message.id) remember(thread.id);
    const how = context.settings.messageContentIntent
      ? "Write your follow-up here"
      : `Mention <@${interaction.client.user.id}> with your follow-up here`;
    await thread.send({ content: `${how}; I'll answer with this conversation in mind.`, allowedMentions: NO_PINGS });
  } catch (error) {
    if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) {
      await interaction.editReply({ content: "A thread for this answer already exists; continue there.", allowedMentions: NO_PINGS });
      return;
    }
    throw error;
  }
  context.log.info({ answer_id: stored.id, thread_id: threadId, user_id: interaction.user.id }, "follow-up thread started");
  await interaction.editReply({ content: `Follow up in <#${threadId}>.`, allowedMentions: NO_PINGS });
}

/** A thread name: the question on one line, within Discord's 100 characters. */
export function threadName(question: string): string {
  const flat = question.replace(/\s+/g, " ").trim() || "Follow-up";
  const max = DISCORD_LIMITS.threadName;
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
