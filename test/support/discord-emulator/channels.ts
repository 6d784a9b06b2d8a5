/** Channels and threads: starting a thread (from a message or not), editing a channel, deleting one. */
import { ChannelType, GatewayDispatchEvents, GatewayIntentBits, MessageFlags, RESTJSONErrorCodes } from "discord.js";
import { discordError, refuseProblems } from "./errors.js";
import type { EmulatedGateway } from "./gateway.js";
import type { Messages } from "./messages.js";
import { clone, isThread, type DiscordModel } from "./model.js";
import type { RestRequest } from "./rest.js";
import type { Payload } from "./types.js";
import { findThreadNameProblems } from "./validation.js";

export class Channels {
  constructor(
    private readonly model: DiscordModel,
    private readonly gateway: EmulatedGateway,
    private readonly messages: Messages,
  ) {}

  startThreadFromMessage({ params, body }: RestRequest): Payload {
    const parent = this.model.knownChannel(params.channelId);
    const message = this.messages.channelMessage(params, true);
    if (message.thread) {
      throw discordError(400, RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage, "A thread has already been created for this message");
    }
    refuseProblems(findThreadNameProblems(body));
    // On Discord a thread started from a message shares the message's id.
    const thread = this.newThread(parent, message.id, ChannelType.PublicThread, body ?? {});
    message.thread = clone(thread);
    message.flags |= MessageFlags.HasThread;
    return thread;
  }

  startThread({ params, body }: RestRequest): Payload {
    const parent = this.model.knownChannel(params.channelId);
    refuseProblems(findThreadNameProblems(body));
    const type = Number(body?.type ?? ChannelType.PrivateThread);
    return this.newThread(parent, this.model.nextId(), type, body ?? {});
  }

  editChannel({ params, body }: RestRequest): Payload {
    const channel = this.model.knownChannel(params.channelId, true);
    const patch = body ?? {};
    if (typeof patch.name === "string") channel.name = patch.name;
    if (channel.thread_metadata) {
      for (const key of ["archived", "locked", "auto_archive_duration", "invitable"]) {
        if (key in patch) channel.thread_metadata[key] = patch[key];
      }
    }
    this.gateway.dispatchIf(
      GatewayIntentBits.Guilds,
      channel.thread_metadata ? GatewayDispatchEvents.ThreadUpdate : GatewayDispatchEvents.ChannelUpdate,
      clone(channel),
    );
    return clone(channel);
  }

  /** Removes a channel or thread and its messages, and tells the bot (CHANNEL_DELETE / THREAD_DELETE). */
  deleteChannel(id: string): void {
    const channel = this.model.channels.get(id);
    if (!channel) throw new Error(`Discord emulator: unknown channel ${id}`);
    this.model.channels.delete(id);
    for (const [messageId, message] of this.model.messages) if (message.channel_id === id) this.model.messages.delete(messageId);
    const thread = isThread(channel);
    this.gateway.dispatchIf(
      GatewayIntentBits.Guilds,
      thread ? GatewayDispatchEvents.ThreadDelete : GatewayDispatchEvents.ChannelDelete,
      thread ? { id, guild_id: channel.guild_id, parent_id: channel.parent_id, type: channel.type } : channel,
    );
  }

  private newThread(parent: Payload, id: string, type: number, body: Payload): Payload {
    if (parent.type !== ChannelType.GuildText && parent.type !== ChannelType.GuildAnnouncement) {
      throw discordError(400, RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType, "Cannot execute action on this channel type");
    }
    const now = new Date().toISOString();
    const botId = this.model.botUser.id;
    const thread: Payload = {
      id,
      type,
      guild_id: parent.guild_id,
      parent_id: parent.id,
      owner_id: botId,
      name: body.name,
      last_message_id: null,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      rate_limit_per_user: Number(body.rate_limit_per_user ?? 0),
      flags: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: Number(body.auto_archive_duration ?? 4320),
        archive_timestamp: now,
        locked: false,
        create_timestamp: now,
        ...(type === ChannelType.PrivateThread ? { invitable: body.invitable ?? true } : {}),
      },
      member: { id, user_id: botId, join_timestamp: now, flags: 0 },
    };
    this.model.channels.set(id, thread);
    this.gateway.dispatchIf(GatewayIntentBits.Guilds, GatewayDispatchEvents.ThreadCreate, { ...clone(thread), newly_created: true });
    return clone(thread);
  }
}
