// /reindex [rebuild] (admins): brings the index up to date with the corpus in a child process, showing progress,
// and switches the bot to the new index once it is fully loaded.
import { InteractionContextType, MessageFlags, SlashCommandBuilder } from "discord.js";
import { ADMIN_PERMISSION } from "../src/discord/admin-gate.js";
import { NO_PINGS } from "../src/discord/answer-question.js";
import type { Command } from "../src/discord/command.js";
import { createThrottledEdit } from "../src/discord/throttled-edit.js";
import { OPERATIONS_DISABLED, renderReindexProgress, renderReindexReport } from "../src/discord/render-admin-reports.js";

export default {
  data: new SlashCommandBuilder()
    .setName("reindex")
    .setDescription("Update the index from the corpus folder (admins). The bot keeps answering meanwhile.")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(ADMIN_PERMISSION)
    .addBooleanOption((o) => o.setName("rebuild").setDescription("Re-embed every article instead of only new and changed ones")),
  adminOnly: true,

  async execute(interaction, context) {
    const ops = context.ops;
    if (!ops) {
      await interaction.reply({ content: OPERATIONS_DISABLED, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
      return;
    }
    const rebuild = interaction.options.getBoolean("rebuild") ?? false;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const progress = createThrottledEdit({
      edit: (content) => interaction.editReply({ content, allowedMentions: NO_PINGS }),
      onError: (error) => context.log.warn({ err: error, interaction_id: interaction.id }, "reindex progress edit failed"),
    });
    // The final edit must land after any progress edit still in flight.
    const report = await ops
      .reindex({ rebuild, requestedBy: interaction.user.id, onProgress: (p) => progress.show(renderReindexProgress(p)) })
      .finally(() => progress.stop());
    context.log.info({ user_id: interaction.user.id, rebuild, status: report.status, reload: report.reload?.status }, "reindex requested");
    const message = renderReindexReport(report);
    await interaction.editReply({ content: message.content ?? "", embeds: message.embeds, allowedMentions: NO_PINGS });
  },
} satisfies Command;
