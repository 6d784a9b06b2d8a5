// /stats (admins): the index, and how the bot has served this server: answers, answer time, abstentions, 👍/👎.
import { InteractionContextType, MessageFlags, SlashCommandBuilder } from "discord.js";
import { ADMIN_PERMISSION } from "../src/discord/admin-gate.js";
import { NO_PINGS } from "../src/discord/answer-question.js";
import type { Command } from "../src/discord/command.js";
import { OPERATIONS_DISABLED, renderStats } from "../src/ops/render-ops.js";

export default {
  data: new SlashCommandBuilder()
    .setName("stats")
    .setDescription("Index size and age, questions answered, answer time, abstentions and feedback (admins).")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(ADMIN_PERMISSION),
  adminOnly: true,

  async execute(interaction, context) {
    if (!context.ops) {
      await interaction.reply({ content: OPERATIONS_DISABLED, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
      return;
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const message = renderStats(await context.ops.stats(interaction.guildId));
    await interaction.editReply({ content: message.content ?? "", embeds: message.embeds, allowedMentions: NO_PINGS });
  },
} satisfies Command;
