// /gaps (admins): the questions the bot could not answer here, most frequent and most recent, so the people who
// run it know which articles to add.
import { InteractionContextType, MessageFlags, SlashCommandBuilder } from "discord.js";
import { ADMIN_PERMISSION } from "../src/discord/admin-gate.js";
import { NO_PINGS } from "../src/discord/answer-question.js";
import type { Command } from "../src/discord/command.js";
import { OPERATIONS_DISABLED, renderGaps } from "../src/ops/render-ops.js";

export default {
  data: new SlashCommandBuilder()
    .setName("gaps")
    .setDescription("The questions I could not answer here, most frequent and most recent (admins).")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(ADMIN_PERMISSION),
  adminOnly: true,

  async execute(interaction, context) {
    if (!context.ops) {
      await interaction.reply({ content: OPERATIONS_DISABLED, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
      return;
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const message = renderGaps(await context.ops.gaps(interaction.guildId));
    await interaction.editReply({ content: message.content ?? "", embeds: message.embeds, allowedMentions: NO_PINGS });
  },
} satisfies Command;
