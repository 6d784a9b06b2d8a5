/**
 * The interactions a member's Discord client would send: a slash command with its options, a click on a
 * button. Built as Discord builds them (member, permissions, channel, locale); sending is up to Interactions.
 */
import { ApplicationCommandType, InteractionType } from "discord.js";
import type { Commands } from "./commands.js";
import { newInteractionToken } from "./ids.js";
import { BOT_PERMISSIONS, clone, MEMBER_PERMISSIONS, memberObject, type DiscordModel } from "./model.js";
import type { ChatInputOptions, InteractionContext, Payload } from "./types.js";

export class InteractionPayloads {
  constructor(
    private readonly model: DiscordModel,
    private readonly commands: Commands,
    private readonly findMessage: (id: string) => Payload | undefined,
  ) {}

  /** A slash command payload; option types come from the registered command when there is one. */
  chatInput(name: string, options: ChatInputOptions = {}, context: InteractionContext = {}): Payload {
    const guildId = context.guildId === undefined ? this.model.guildId : context.guildId;
    const command = this.commands.find(name, guildId);
    const apiOptions = Array.isArray(options) ? options : this.commands.toOptions(name, options, command);
    const data: Payload = {
      id: command?.id ?? this.model.nextId(),
      name,
      type: ApplicationCommandType.ChatInput,
      ...(apiOptions.length > 0 ? { options: apiOptions } : {}),
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    };
    return this.buildInteraction(InteractionType.ApplicationCommand, data, context);
  }

  /** A click on a button of a stored (or given) message; throws if the message has no such enabled button. */
  buttonClick(customId: string, message: Payload | string, user?: Payload, context: InteractionContext = {}): Payload {
    const id = typeof message === "string" ? message : message.id;
    const source = this.findMessage(id) ?? (typeof message === "string" ? undefined : message);
    if (!source) throw new Error(`Discord emulator: no message ${id} to click on`);
    const component = allComponents(source.components).find((candidate) => candidate?.custom_id === customId);
    if (!component) {
      const available = allComponents(source.components).flatMap((candidate) =>
        typeof candidate?.custom_id === "string" ? [candidate.custom_id] : [],
      );
      throw new Error(`Discord emulator: message ${id} has no component "${customId}" (it has: ${available.join(", ") || "none"})`);
    }
    if (component.disabled) throw new Error(`Discord emulator: the button "${customId}" is disabled; Discord would not send the click`);
    const payload = this.buildInteraction(
      InteractionType.MessageComponent,
      { custom_id: customId, component_type: component.type },
      { channelId: source.channel_id, guildId: source.guild_id ?? null, ...context, ...(user ? { user } : {}) },
    );
    payload.message = clone(source);
    return payload;
  }

  private buildInteraction(type: InteractionType, data: Payload, context: InteractionContext): Payload {
    const model = this.model;
    const user = model.registerUser(context.user ?? context.member?.user ?? model.user);
    const guildId = context.guildId === undefined ? model.guildId : context.guildId;
    const channel = guildId
      ? model.channels.get(context.channelId ?? model.channelId)
      : context.channelId
        ? model.channels.get(context.channelId)
        : model.dmChannelFor(user);
    if (!channel) throw new Error(`Discord emulator: unknown channel ${context.channelId}`);
    const interaction: Payload = {
      id: model.nextId(),
      application_id: model.applicationId,
      type,
      data,
      token: newInteractionToken(),
      version: 1,
      locale: context.locale ?? "en-US",
      app_permissions: BOT_PERMISSIONS.toString(),
      entitlements: [],
      authorizing_integration_owners: guildId ? { "0": guildId } : { "1": user.id },
      context: guildId ? 0 : 1,
      attachment_size_limit: 10 * 1024 * 1024,
      channel_id: channel.id,
      channel: clone(channel),
    };
    if (guildId) {
      interaction.guild_id = guildId;
      interaction.guild = { id: guildId, locale: "en-US", features: [] };
      interaction.guild_locale = "en-US";
      interaction.member = {
        ...memberObject(user, context.roles ?? []),
        permissions: String(context.permissions ?? MEMBER_PERMISSIONS),
        ...context.member,
      };
    } else {
      interaction.user = user;
    }
    return interaction;
  }
}

/** Every component of a message, depth first: rows, their children, and section accessories. */
function allComponents(rows: unknown): Payload[] {
  if (!Array.isArray(rows)) return [];
  return (rows as Payload[]).flatMap((component) => [
    component,
    ...allComponents(component?.components),
    ...allComponents(component?.accessory ? [component.accessory] : []),
  ]);
}
