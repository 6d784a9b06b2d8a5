// The one place interactions enter the bot, and the one boundary where their errors are caught.
import {
  DiscordAPIError,
  MessageFlags,
  RESTJSONErrorCodes,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type RepliableInteraction,
} from "discord.js";
import { ADMIN_ONLY_MESSAGE, isAdmin } from "./admin-gate.js";
import { NO_PINGS } from "./answer-question.js";
import type { BotContext, Command } from "./command.js";
import { handleAnswerButton } from "./handle-answer-button.js";

export const FAILURE_MESSAGE = "Sorry, something went wrong while handling that. It has been logged; please try again in a moment.";
export const STALE_BUTTON = "This button no longer does anything. Try the command again.";

export async function routeInteraction(interaction: Interaction, context: BotContext): Promise<void> {
  try {
    if (interaction.isChatInputCommand()) {
      const command = context.commands.get(interaction.commandName);
      if (!command) {
        await interaction.reply({
          content: `I don't know /${interaction.commandName} (any more).`,
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_PINGS,
        });
        return;
      }
      if (await refuseNonAdmin(command, interaction, context)) return;
      await command.execute(interaction, context);
      return;
    }
    if (interaction.isButton()) {
      if (await handleAnswerButton(interaction, context)) return;
      const owner = context.commands.get(interaction.customId.split(":")[0] ?? "");
      if (owner?.handleButton) {
        if (await refuseNonAdmin(owner, interaction, context)) return;
        await owner.handleButton(interaction, context);
        return;
      }
      await interaction.reply({ content: STALE_BUTTON, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
    }
  } catch (error) {
    await reportFailure(interaction, context, error);
  }
}

/** Discord hides admin commands from other members by default, but a server admin can change that. */
async function refuseNonAdmin(command: Command, interaction: ChatInputCommandInteraction | ButtonInteraction, context: BotContext): Promise<boolean> {
  if (!command.adminOnly || isAdmin(interaction, context.settings.adminRoleIds ?? [])) return false;
  context.log.warn({ command: command.data.name, user_id: interaction.user.id, guild_id: interaction.guildId }, "admin command refused");
  await interaction.reply({ content: ADMIN_ONLY_MESSAGE, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  return true;
}

/** Logs the detail; the member gets a short private message, never the error itself. */
async function reportFailure(interaction: Interaction, context: BotContext, error: unknown): Promise<void> {
  context.log.error(
    {
      err: error,
      interaction_id: interaction.id,
      kind: interaction.type,
      command: interaction.isChatInputCommand() ? interaction.commandName : undefined,
      custom_id: interaction.isButton() ? interaction.customId : undefined,
      user_id: interaction.user.id,
    },
    "interaction failed",
  );
  context.events?.failed?.({ where: "interaction" });
  if (!interaction.isRepliable() || isGone(error)) return;
  try {
    await tellPrivately(interaction);
  } catch (secondError) {
    context.log.warn({ err: secondError, interaction_id: interaction.id }, "could not tell the member about a failure");
  }
}

async function tellPrivately(interaction: RepliableInteraction): Promise<void> {
  const message = { content: FAILURE_MESSAGE, allowedMentions: NO_PINGS };
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
    return;
  }
  if (interaction.ephemeral && !interaction.replied) {
    await interaction.editReply({ ...message, embeds: [], components: [] });
    return;
  }
  // A public "is thinking…" that will never become an answer is removed first: while it stands, Discord
  // would turn the first follow-up into it, public whatever its flags say.
  if (interaction.deferred && !interaction.replied) await interaction.deleteReply().catch(() => undefined);
  await interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
}

/** The interaction expired, or its message or channel vanished: there is nobody left to tell. */
function isGone(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError &&
    (error.code === RESTJSONErrorCodes.UnknownInteraction ||
      error.code === RESTJSONErrorCodes.InvalidWebhookToken ||
      error.code === RESTJSONErrorCodes.UnknownWebhook ||
      error.code === RESTJSONErrorCodes.UnknownChannel)
  );
}
