/**
 * What the emulated Discord holds: the application and its bot user, one guild with its roles, members and
 * channels (threads and DMs included), and the stored channel messages; plus the JSON shapes Discord gives
 * them. Plain state: nothing here talks to the bot, so every change the bot should hear of is dispatched by
 * the caller.
 */
import { ApplicationFlags, ChannelType, GatewayIntentBits, MessageType, PermissionFlagsBits, RESTJSONErrorCodes } from "discord.js";
import { discordError, unknownChannel } from "./errors.js";
import { createSnowflakeSource } from "./ids.js";
import type { Payload } from "./types.js";
import { mentionedRoleIds, mentionedUserIds } from "./validation.js";

export const clone = <T>(value: T): T => structuredClone(value);

const permissions = (...flags: bigint[]): bigint => flags.reduce((all, flag) => all | flag, 0n);

export const MEMBER_PERMISSIONS = permissions(
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.CreatePublicThreads,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.AttachFiles,
  PermissionFlagsBits.ReadMessageHistory,
  PermissionFlagsBits.AddReactions,
  PermissionFlagsBits.UseExternalEmojis,
  PermissionFlagsBits.UseApplicationCommands,
  PermissionFlagsBits.ChangeNickname,
  PermissionFlagsBits.Connect,
  PermissionFlagsBits.Speak,
);

export const BOT_PERMISSIONS = permissions(MEMBER_PERMISSIONS, PermissionFlagsBits.ManageThreads, PermissionFlagsBits.ManageMessages);

export const isThread = (channel: Payload): boolean => channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread;

export class DiscordModel {
  readonly nextId = createSnowflakeSource();
  /** The bot user's id equals the application's, as for every Discord application made since 2019. */
  readonly applicationId = this.nextId();
  readonly guildId = this.nextId();
  /** The default guild's one text channel. */
  readonly channelId = this.nextId();
  readonly botRoleId = this.nextId();
  readonly users = new Map<string, Payload>();
  readonly channels = new Map<string, Payload>();
  /** Channel messages by id (ephemeral interaction responses live with their interaction instead). */
  readonly messages = new Map<string, Payload>();
  readonly botUser: Payload;
  /** The default member who runs commands and writes messages. */
  readonly user: Payload;
  private readonly extraRoles: Payload[] = [];

  /** @param privilegedIntents The privileged intents switched on for the application (its flags say so). */
  constructor(private readonly privilegedIntents: number) {
    this.botUser = this.registerUser({ id: this.applicationId, username: "Newsdesk", bot: true });
    this.user = this.createUser("reader");
    this.channels.set(this.channelId, {
      id: this.channelId,
      type: ChannelType.GuildText,
      guild_id: this.guildId,
      name: "newsroom",
      position: 0,
      permission_overwrites: [],
      topic: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: null,
      flags: 0,
    });
  }

  // ------------------------------------------------------------------------------------------ users & roles

  /** The stored user with this id, or this user completed with Discord's defaults and stored. */
  registerUser(user: Payload): Payload {
    const known = this.users.get(user.id);
    if (known) return known;
    const complete: Payload = {
      username: "member",
      discriminator: "0",
      global_name: null,
      avatar: null,
      bot: false,
      system: false,
      public_flags: 0,
      flags: 0,
      ...user,
    };
    this.users.set(complete.id, complete);
    return complete;
  }

  createUser(username: string, fields: Payload = {}): Payload {
    return this.registerUser({ id: this.nextId(), username, ...fields });
  }

  knownUser(id: string): Payload {
    const user = this.users.get(id);
    if (!user) throw discordError(404, RESTJSONErrorCodes.UnknownUser, "Unknown User");
    return clone(user);
  }

  /** A guild member; the bot's carries its managed role. */
  memberOf(user: Payload): Payload {
    return memberObject(user, user?.id === this.botUser.id ? [this.botRoleId] : []);
  }

  createRole(name: string, rolePermissions: bigint): Payload {
    const role = { ...roleObject(this.nextId(), name, rolePermissions), position: 2 + this.extraRoles.length };
    this.extraRoles.push(role);
    return clone(role);
  }

  roles(): Payload[] {
    return [
      roleObject(this.guildId, "@everyone", MEMBER_PERMISSIONS),
      roleObject(this.botRoleId, this.botUser.username, BOT_PERMISSIONS, { position: 1, managed: true, tags: { bot_id: this.botUser.id } }),
      ...this.extraRoles.map(clone),
    ];
  }

  /** The users a content mentions, as far as Discord knows them. */
  usersMentionedIn(content: string): Payload[] {
    return mentionedUserIds(content).flatMap((id) => {
      const user = this.users.get(id);
      return user ? [clone(user)] : [];
    });
  }

  // ---------------------------------------------------------------------------------------- guild & channels

  knownGuild(id: string): string {
    if (id !== this.guildId) throw discordError(404, RESTJSONErrorCodes.UnknownGuild, "Unknown Guild");
    return id;
  }

  /** A copy of the channel, or the stored channel itself when `live` (to change it); 404 when there is none. */
  knownChannel(id: string, live = false): Payload {
    const channel = this.channels.get(id);
    if (!channel) throw unknownChannel();
    return live ? channel : clone(channel);
  }

  dmChannelFor(user: Payload): Payload {
    const existing = [...this.channels.values()].find((channel) => channel.type === ChannelType.DM && channel.recipients?.[0]?.id === user.id);
    if (existing) return clone(existing);
    const channel = { id: this.nextId(), type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [clone(user)] };
    this.channels.set(channel.id, channel);
    return clone(channel);
  }

  guildChannels(threads: boolean): Payload[] {
    return [...this.channels.values()]
      .filter((channel) => channel.guild_id === this.guildId && Boolean(channel.thread_metadata) === threads)
      .map(clone);
  }

  /** The guild as GET /guilds/:id gives it, or as GUILD_CREATE does (members, channels, threads...). */
  guildObject(forGateway: boolean): Payload {
    const guild: Payload = {
      id: this.guildId,
      name: "Newsdesk test guild",
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: this.user.id,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      preferred_locale: "en-US",
      max_members: 500_000,
      features: [],
      roles: this.roles(),
      emojis: [],
      stickers: [],
      application_id: null,
    };
    if (!forGateway) return guild;
    return {
      ...guild,
      joined_at: new Date(0).toISOString(),
      large: false,
      unavailable: false,
      member_count: this.users.size,
      members: [this.memberOf(this.botUser)],
      channels: this.guildChannels(false),
      threads: this.guildChannels(true),
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ------------------------------------------------------------------------------------------- application

  applicationObject(): Payload {
    return {
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: "",
      summary: "",
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: "0".repeat(64),
      flags: this.applicationFlags(),
      team: null,
      bot: clone(this.botUser),
      owner: clone(this.user),
      approximate_guild_count: 1,
    };
  }

  applicationFlags(): number {
    const enabled = this.privilegedIntents;
    return (
      (enabled & GatewayIntentBits.GuildPresences ? ApplicationFlags.GatewayPresence : 0) |
      (enabled & GatewayIntentBits.GuildMembers ? ApplicationFlags.GatewayGuildMembers : 0) |
      (enabled & GatewayIntentBits.MessageContent ? ApplicationFlags.GatewayMessageContent : 0)
    );
  }

  // ----------------------------------------------------------------------------------------------- messages

  /** A new message in `channel` with Discord's defaults; `fields` (author at least) override them. */
  newMessage(channel: Payload, fields: Payload): Payload {
    const content = typeof fields.content === "string" ? fields.content : "";
    return {
      id: this.nextId(),
      channel_id: channel.id,
      ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      author: fields.author,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: this.usersMentionedIn(content),
      mention_roles: mentionedRoleIds(content),
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: MessageType.Default,
      flags: 0,
      ...fields,
    };
  }

  storeMessage(message: Payload): void {
    this.messages.set(message.id, message);
    const channel = this.channels.get(message.channel_id);
    if (!channel) return;
    channel.last_message_id = message.id;
    if (isThread(channel)) {
      channel.message_count = (channel.message_count ?? 0) + 1;
      channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
    }
  }

  /** A channel's messages, oldest first (copies). */
  channelMessages(channelId: string): Payload[] {
    return [...this.messages.values()]
      .filter((message) => message.channel_id === channelId)
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
      .map(clone);
  }
}

export function memberObject(user: Payload, roles: string[]): Payload {
  return {
    user: clone(user),
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: new Date(0).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

function roleObject(id: string, name: string, rolePermissions: bigint, extra: Payload = {}): Payload {
  return {
    id,
    name,
    permissions: rolePermissions.toString(),
    position: 0,
    color: 0,
    hoist: false,
    managed: false,
    mentionable: false,
    flags: 0,
    icon: null,
    unicode_emoji: null,
    ...extra,
  };
}
