// /gaps (admins): the questions the bot could not answer here, most frequent and most recent, so the people who
// run it know which articles to add.
import { InteractionContextType, SlashCommandBuilder } from "discord.js";
import { ADMIN_PERMISSION } from "../src/discord/admin-gate.js";
import type { Command } from "../src/discord/command.js";
import { renderGaps, replyWithOpsReport } from "../src/discord/render-admin-reports.js";

export default {
  data: new SlashCommandBuilder()
    .setName("gaps")
    .setDescription("The questions I could not answer here, most frequent and most recent (admins).")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(ADMIN_PERMISSION),
  adminOnly: true,

  execute: (interaction, context) => replyWithOpsReport(interaction, context.ops, async (ops) => renderGaps(await ops.gaps(interaction.guildId))),
} satisfies Command;
