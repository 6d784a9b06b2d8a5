// /search: the ranked passages for a query, with scores, and no answer.
import { InteractionContextType, MessageFlags, SlashCommandBuilder } from "discord.js";
import { admitQuestion, MAX_QUESTION_LENGTH, NO_PINGS } from "../src/discord/answer-question.js";
import type { Command } from "../src/discord/command.js";
import { renderSearchResults } from "../src/discord/render-search-results.js";
import { editReplyWith } from "../src/discord/send-rendered.js";

export const DEFAULT_SEARCH_K = 5;
export const MAX_SEARCH_K = 10;

export default {
  data: new SlashCommandBuilder()
    .setName("search")
    .setDescription("Show the passages that best match a query, with their scores (no answer).")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) => o.setName("query").setDescription("What to look for").setRequired(true).setMaxLength(MAX_QUESTION_LENGTH))
    .addIntegerOption((o) => o.setName("k").setDescription(`How many passages (1-${MAX_SEARCH_K})`).setMinValue(1).setMaxValue(MAX_SEARCH_K)),

  async execute(interaction, context) {
    const k = Math.min(Math.max(interaction.options.getInteger("k") ?? DEFAULT_SEARCH_K, 1), MAX_SEARCH_K);
    const admission = admitQuestion(interaction.options.getString("query", true), interaction.user.id, context);
    if (admission.refusal !== undefined) {
      await interaction.reply({ content: admission.refusal, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
      return;
    }
    const query = admission.question;
    await interaction.deferReply();
    const result = await context.answering.run(() => context.pipeline.search(query, { k, asOf: new Date(context.now()).toISOString().slice(0, 10) }));
    context.log.info({ user_id: interaction.user.id, results: result.results.length, timings_ms: result.timings_ms }, "searched");
    await editReplyWith(interaction, renderSearchResults(result), context.log);
  },
} satisfies Command;
