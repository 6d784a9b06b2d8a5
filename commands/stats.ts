// /stats (admins): the index, and how the bot has served this server: answers, answer time, abstentions, 👍/👎.
import { InteractionContextType, SlashCommandBuilder } from "discord.js";
import { ADMIN_PERMISSION } from "../src/discord/admin-gate.js";
import type { Command } from "../src/discord/command.js";
import { renderStats, replyWithOpsReport } from "../src/discord/render-admin-reports.js";

export default {
  data: new SlashCommandBuilder()
    .setName("stats")
    .setDescription("Index size and age, questions answered, answer time, abstentions and feedback (admins).")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(ADMIN_PERMISSION),
  adminOnly: true,

  execute: (interaction, context) => replyWithOpsReport(interaction, context.ops, async (ops) => renderStats(await ops.stats(interaction.guildId))),
} satisfies Command;
