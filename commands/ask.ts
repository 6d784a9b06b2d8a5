// /ask: an answer with [n] citations from the indexed articles.
import { InteractionContextType, MessageFlags, SlashCommandBuilder } from "discord.js";
import { checkFilters } from "../src/core/retrieval/match-filters.js";
import type { SearchFilters } from "../src/core/types.js";
import { admitQuestion, answerQuestion, MAX_QUESTION_LENGTH, NO_PINGS } from "../src/discord/answer-question.js";
import type { Command } from "../src/discord/command.js";
import { editReplyWith } from "../src/discord/send-rendered.js";
import { createStreamPreview } from "../src/discord/stream-preview.js";

/** Filter options as this command names them, for messages that say what to fix. */
const OPTION_NAMES = { source: "`sources`", since: "`since`", until: "`until`" };

export default {
  data: new SlashCommandBuilder()
    .setName("ask")
    .setDescription("Ask the indexed news articles a question; the answer cites its sources.")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) => o.setName("question").setDescription("Your question").setRequired(true).setMaxLength(MAX_QUESTION_LENGTH))
    .addStringOption((o) => o.setName("sources").setDescription('Only articles whose path matches this glob, e.g. "bbc/**"').setMaxLength(200))
    .addStringOption((o) => o.setName("since").setDescription("Only articles dated on or after this day (YYYY-MM-DD)").setMaxLength(10))
    .addBooleanOption((o) => o.setName("private").setDescription("Show the answer only to you")),

  async execute(interaction, context) {
    const source = interaction.options.getString("sources")?.trim() || undefined;
    const since = interaction.options.getString("since")?.trim() || null;
    const isPrivate = interaction.options.getBoolean("private") ?? false;
    const filters: SearchFilters = { ...(source ? { source } : {}), ...(since ? { since } : {}) };
    const badFilter = checkFilters(filters, OPTION_NAMES);
    const admission =
      badFilter === undefined
        ? admitQuestion(interaction.options.getString("question", true), interaction.user.id, context)
        : { refusal: `${badFilter}.` };
    if (admission.refusal !== undefined) {
      await interaction.reply({ content: admission.refusal, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
      return;
    }
    const question = admission.question;
    await interaction.deferReply(isPrivate ? { flags: MessageFlags.Ephemeral } : {});
    const preview = createStreamPreview({
      edit: (content) => interaction.editReply({ content, allowedMentions: NO_PINGS }),
      onError: (error) => context.log.warn({ err: error, interaction_id: interaction.id }, "streaming preview edit failed"),
    });
    try {
      const answered = await answerQuestion(context, {
        question,
        userId: interaction.user.id,
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        history: [],
        filters,
        canFollowUp: !isPrivate && interaction.inGuild() && !interaction.channel?.isThread(),
        onToken: preview.onToken,
      });
      // The final edit must land after any preview edit still in flight.
      await preview.stop();
      await editReplyWith(interaction, answered.messages, context.log);
    } catch (error) {
      await preview.stop();
      throw error;
    }
  },
} satisfies Command;
