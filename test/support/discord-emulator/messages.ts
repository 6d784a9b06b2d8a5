/**
 * Messages: the channel-message routes (create, edit, get, list, delete), how a create or edit payload is
 * written into a stored message, and how messages reach the bot (MESSAGE_CREATE / UPDATE / DELETE as far as its
 * intents allow, content hidden without MessageContent). Interaction responses reuse the same writing and
 * delivery.
 */
import { GatewayDispatchEvents, GatewayIntentBits, MessageFlags, MessageType, RESTJSONErrorCodes } from "discord.js";
import { discordError, invalidFormBody, refuseProblems, unknownMessage } from "./errors.js";
import type { EmulatedGateway } from "./gateway.js";
import { clone, type DiscordModel } from "./model.js";
import type { RestRequest } from "./rest.js";
import type { Payload, RecordedFile, SentMessage } from "./types.js";
import { computePings, findMessageProblems, isEmptyMessage, mentionedRoleIds } from "./validation.js";

/** Flags an edit cannot change. */
const KEPT_ON_EDIT_FLAGS = MessageFlags.Ephemeral | MessageFlags.HasThread | MessageFlags.IsComponentsV2;
/** Flags a new message may set. */
const SETTABLE_FLAGS = MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

export type MessageDelivery = Omit<SentMessage, "message">;

export class Messages {
  constructor(
    private readonly model: DiscordModel,
    private readonly gateway: EmulatedGateway,
    /** Where attachment URLs point (the emulator's own address). */
    private readonly baseUrl: () => string,
  ) {}

  // ------------------------------------------------------------------------------------------------- routes

  createChannelMessage({ params, body, files }: RestRequest): Payload {
    const channel = this.model.knownChannel(params.channelId);
    const payload = body ?? {};
    this.checkNewMessage(payload, files.length);
    const message = this.model.newMessage(channel, { author: this.model.botUser });
    const reference = payload.message_reference;
    if (reference?.message_id) {
      const referenced = this.model.messages.get(String(reference.message_id));
      if (referenced) {
        message.type = MessageType.Reply;
        message.message_reference = { type: 0, message_id: referenced.id, channel_id: referenced.channel_id, guild_id: referenced.guild_id };
        message.referenced_message = clone(referenced);
      } else if (reference.fail_if_not_exists !== false) {
        throw invalidFormBody([{ path: ["message_reference"], code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", message: "Unknown message" }]);
      }
    }
    this.applyMessagePayload(message, payload, files, true);
    this.model.storeMessage(message);
    this.echoMessage(GatewayDispatchEvents.MessageCreate, message);
    return clone(message);
  }

  editChannelMessage({ params, body, files }: RestRequest): Payload {
    const message = this.channelMessage(params, true);
    if (message.author.id !== this.model.botUser.id) {
      throw discordError(403, RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser, "Cannot edit a message authored by another user");
    }
    this.editMessage(message, body ?? {}, files);
    return clone(message);
  }

  deleteChannelMessage(params: Record<string, string>): void {
    this.removeMessage(this.channelMessage(params));
  }

  /** A copy of the message, or the stored message itself when `live`; 404 unless it is in that channel. */
  channelMessage(params: Record<string, string>, live = false): Payload {
    this.model.knownChannel(params.channelId);
    const message = this.model.messages.get(params.messageId);
    if (!message || message.channel_id !== params.channelId) throw unknownMessage();
    return live ? message : clone(message);
  }

  /** GET /channels/:id/messages: newest first, `limit` 1-100 (default 50), `before` / `after` by id. */
  listMessages(channelId: string, query: Record<string, string>): Payload[] {
    this.model.knownChannel(channelId);
    const limit = Math.min(Math.max(Number(query.limit ?? 50) || 50, 1), 100);
    const id = (value: string | undefined) => (value ? BigInt(value) : null);
    const before = id(query.before);
    const after = id(query.after);
    return this.model
      .channelMessages(channelId)
      .filter((message) => (before === null || BigInt(message.id) < before) && (after === null || BigInt(message.id) > after))
      .reverse()
      .slice(0, limit);
  }

  // ------------------------------------------------------------------------------------ writing a message

  /** Refuses a new message Discord would refuse: 50035 for a limit (nested under `prefix`), 50006 when empty. */
  checkNewMessage(payload: Payload, fileCount: number, prefix: Array<string | number> = []): void {
    refuseProblems(findMessageProblems(payload), prefix);
    if (isEmptyMessage(payload, fileCount)) {
      throw discordError(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, "Cannot send an empty message");
    }
  }

  /** An edit as Discord takes it: refused over a limit, else written in and echoed as MESSAGE_UPDATE. */
  editMessage(message: Payload, payload: Payload, files: RecordedFile[], prefix: Array<string | number> = []): void {
    refuseProblems(findMessageProblems(payload), prefix);
    this.applyMessageEdit(message, payload, files);
    this.echoMessage(GatewayDispatchEvents.MessageUpdate, message);
  }

  /** Writes a create (or edit) payload into a message, as Discord stores it. */
  applyMessagePayload(message: Payload, payload: Payload, files: RecordedFile[], creating: boolean): void {
    if ("content" in payload) {
      message.content = typeof payload.content === "string" ? payload.content : "";
      message.mentions = this.model.usersMentionedIn(message.content);
      message.mention_roles = mentionedRoleIds(message.content);
      message.mention_everyone = computePings(payload).everyone;
    }
    if ("embeds" in payload) message.embeds = (payload.embeds ?? []).map((embed: Payload) => ({ type: "rich", ...clone(embed) }));
    if ("components" in payload) message.components = clone(payload.components ?? []);
    if ("poll" in payload && payload.poll) message.poll = clone(payload.poll);
    if (creating) {
      message.tts = Boolean(payload.tts);
      message.flags = (Number(payload.flags) || 0) & SETTABLE_FLAGS;
    } else if ("flags" in payload && payload.flags != null) {
      message.flags = (message.flags & KEPT_ON_EDIT_FLAGS) | (Number(payload.flags) & MessageFlags.SuppressEmbeds);
    }
    if (files.length > 0 || "attachments" in payload) {
      const kept = Array.isArray(payload.attachments)
        ? message.attachments.filter((attachment: Payload) => payload.attachments.some((wanted: Payload) => String(wanted.id) === attachment.id))
        : message.attachments;
      const added = files.map((file) => {
        const url = `${this.baseUrl()}/attachments/${message.channel_id}/${file.name}`;
        return { id: this.model.nextId(), filename: file.name, size: file.size, content_type: file.contentType, url, proxy_url: url };
      });
      message.attachments = [...kept, ...added];
    }
  }

  applyMessageEdit(message: Payload, payload: Payload, files: RecordedFile[]): void {
    const wasLoading = Boolean(message.flags & MessageFlags.Loading);
    this.applyMessagePayload(message, payload, files, false);
    message.flags &= ~MessageFlags.Loading;
    // Filling in a deferred "thinking..." message is the response itself, not an edit of it.
    if (!wasLoading) message.edited_timestamp = new Date().toISOString();
    for (const stored of this.model.messages.values()) {
      if (stored.referenced_message?.id === message.id) stored.referenced_message = clone(message);
    }
  }

  removeMessage(message: Payload): void {
    this.model.messages.delete(message.id);
    if (message.flags & MessageFlags.Ephemeral) return;
    this.gateway.dispatchIf(
      message.guild_id ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages,
      GatewayDispatchEvents.MessageDelete,
      {
        id: message.id,
        channel_id: message.channel_id,
        ...(message.guild_id ? { guild_id: message.guild_id } : {}),
      },
    );
  }

  // ----------------------------------------------------------------------------------- telling the bot

  /** MESSAGE_CREATE/UPDATE as far as the intents allow, with content hidden without MessageContent. */
  dispatchMessage(t: string, message: Payload): MessageDelivery {
    const inGuild = Boolean(message.guild_id);
    if (!this.gateway.hasIntent(inGuild ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages)) {
      return { dispatched: false, contentVisible: false };
    }
    const botId = this.model.botUser.id;
    const contentVisible =
      !inGuild ||
      this.gateway.hasIntent(GatewayIntentBits.MessageContent) ||
      message.author?.id === botId ||
      (message.mentions ?? []).some((user: Payload) => user.id === botId);
    const frame: Payload = contentVisible ? clone(message) : { ...clone(message), content: "", embeds: [], attachments: [], components: [] };
    if (inGuild) {
      // Guild messages carry the author's member object, without its user (that is `author`).
      const { user: _user, ...member } = this.model.memberOf(message.author);
      frame.member = member;
    }
    this.gateway.dispatch(t, frame);
    return { dispatched: true, contentVisible };
  }

  /** Discord echoes the bot's own (non-ephemeral) messages back over the gateway. */
  echoMessage(t: string, message: Payload): void {
    if (message.flags & MessageFlags.Ephemeral) return;
    this.dispatchMessage(t, message);
  }
}
