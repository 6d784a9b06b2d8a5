// /sources: the indexed articles, ten to a page, with buttons to turn pages.
import { InteractionContextType, SlashCommandBuilder } from "discord.js";
import { NO_PINGS } from "../src/discord/answer-question.js";
import type { Command } from "../src/discord/command.js";
import { parseSourcesButtonId, renderSourcesPage } from "../src/discord/render-sources-page.js";

/** Short enough to ride along in the page buttons' custom_id. */
const FILTER_MAX = 80;

export default {
  data: new SlashCommandBuilder()
    .setName("sources")
    .setDescription("List the indexed articles (title, date, passages).")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) => o.setName("filter").setDescription("Only titles or paths containing this text").setMaxLength(FILTER_MAX)),

  async execute(interaction, context) {
    const filter = (interaction.options.getString("filter") ?? "").trim().slice(0, FILTER_MAX);
    const page = renderSourcesPage(context.pipeline.listArticles(filter || undefined), 0, filter);
    await interaction.reply({ ...page, components: page.components ?? [], allowedMentions: NO_PINGS });
  },

  async handleButton(interaction, context) {
    const target = parseSourcesButtonId(interaction.customId);
    if (!target) return;
    const page = renderSourcesPage(context.pipeline.listArticles(target.filter || undefined), target.page, target.filter);
    await interaction.update({ ...page, components: page.components ?? [], allowedMentions: NO_PINGS });
  },
} satisfies Command;
