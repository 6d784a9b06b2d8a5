/**
 * Interactions after they are sent: the record of each (acknowledged? original response, follow-ups, modal,
 * autocomplete choices), the callback route with Discord's rules (one acknowledgement, allowed callback types,
 * expiry), and the webhook routes that edit, follow up and delete the responses.
 */
import { GatewayDispatchEvents, InteractionResponseType, InteractionType, MessageFlags, MessageType, RESTJSONErrorCodes } from "discord.js";
import { discordError, invalidFormBody, refuseProblems, unknownChannel, unknownMessage, unknownWebhook } from "./errors.js";
import type { EmulatedGateway } from "./gateway.js";
import { newInteractionToken } from "./ids.js";
import type { Messages } from "./messages.js";
import { clone, type DiscordModel } from "./model.js";
import type { RestRequest, RestResult } from "./rest.js";
import type { InteractionState, Payload, RecordedFile, SentInteraction } from "./types.js";
import { findAutocompleteProblems, findMessageProblems, findModalProblems } from "./validation.js";

export interface InteractionTimes {
  /** Discord refuses a first response later than this (10062); null: no deadline. */
  ackTimeoutMs: number | null;
  /** After this the webhook answers 401 (50027). */
  tokenLifetimeMs: number;
}

interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  payload: Payload;
  createdAt: number;
  acknowledged: boolean;
  callbackType: number | null;
  original: Payload | null;
  followUps: Payload[];
  modal: Payload | null;
  choices: Payload[] | null;
  expired: boolean;
}

export class Interactions {
  private readonly byToken = new Map<string, InteractionRecord>();
  private readonly tokensById = new Map<string, string>();

  constructor(
    private readonly model: DiscordModel,
    private readonly gateway: EmulatedGateway,
    private readonly messages: Messages,
    private readonly times: InteractionTimes,
  ) {}

  /** Dispatches INTERACTION_CREATE (interactions need no intent) and starts tracking its responses. */
  send(payload: Payload): SentInteraction {
    this.gateway.requireSession();
    const filled: Payload = { ...payload, id: payload.id ?? this.model.nextId(), token: payload.token ?? newInteractionToken() };
    const record: InteractionRecord = {
      id: filled.id,
      token: filled.token,
      type: filled.type,
      payload: filled,
      createdAt: Date.now(),
      acknowledged: false,
      callbackType: null,
      original: null,
      followUps: [],
      modal: null,
      choices: null,
      expired: false,
    };
    this.byToken.set(record.token, record);
    this.tokensById.set(record.id, record.token);
    this.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, filled);
    return { id: record.id, token: record.token, payload: clone(filled) };
  }

  state(interaction: SentInteraction | string): InteractionState {
    const record = this.find(interaction);
    const original = record.original;
    return {
      id: record.id,
      token: record.token,
      acknowledged: record.acknowledged,
      callbackType: record.callbackType,
      deferred:
        record.callbackType === InteractionResponseType.DeferredChannelMessageWithSource ||
        record.callbackType === InteractionResponseType.DeferredMessageUpdate,
      ephemeral: Boolean(original && original.flags & MessageFlags.Ephemeral),
      original: original && clone(original),
      followUps: record.followUps.map(clone),
      modal: record.modal && clone(record.modal),
      choices: record.choices && clone(record.choices),
      expired: this.isExpired(record),
    };
  }

  /** The original response as it stands (not a copy), or null before there is one. */
  original(interaction: SentInteraction | string): Payload | null {
    return this.find(interaction).original;
  }

  expire(interaction: SentInteraction | string): void {
    this.find(interaction).expired = true;
  }

  /** A stored message by id: a channel message, or an interaction response (ephemeral ones live only here). */
  findMessage(id: string): Payload | undefined {
    const stored = this.model.messages.get(id);
    if (stored) return stored;
    for (const record of this.byToken.values()) {
      if (record.original?.id === id) return record.original;
      const followUp = record.followUps.find((message) => message.id === id);
      if (followUp) return followUp;
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------- callback

  callback({ params, body, query, files }: RestRequest): RestResult {
    const record = this.byToken.get(params.token);
    if (!record || record.id !== params.interactionId || this.isExpired(record) || this.missedAckDeadline(record)) {
      throw discordError(404, RESTJSONErrorCodes.UnknownInteraction, "Unknown interaction");
    }
    if (record.acknowledged) {
      throw discordError(400, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged, "Interaction has already been acknowledged.");
    }
    const type = Number(body?.type);
    if (!allowedCallbackTypes(record.type).includes(type)) {
      throw invalidFormBody([
        {
          path: ["type"],
          code: "INTERACTION_RESPONSE_TYPE_INVALID",
          message: `Interaction response type ${body?.type} is not allowed for interaction type ${record.type}.`,
        },
      ]);
    }
    const data: Payload = body?.data ?? {};
    const source = record.payload.message ? (this.findMessage(record.payload.message.id) ?? null) : null;
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource:
        this.messages.checkNewMessage(data, files.length, ["data"]);
        record.original = this.createResponseMessage(record, data, files, false);
        break;
      case InteractionResponseType.DeferredChannelMessageWithSource:
        record.original = this.createResponseMessage(record, { flags: (Number(data.flags) || 0) & MessageFlags.Ephemeral }, [], true);
        break;
      case InteractionResponseType.DeferredMessageUpdate:
        record.original = source;
        break;
      case InteractionResponseType.UpdateMessage:
        if (!source) throw unknownMessage();
        refuseProblems(findMessageProblems(data), ["data"]);
        this.messages.applyMessageEdit(source, data, files);
        // Set before the echo, so whoever waits on the original sees the update as the bot hears of it.
        record.original = source;
        this.messages.echoMessage(GatewayDispatchEvents.MessageUpdate, source);
        break;
      case InteractionResponseType.ApplicationCommandAutocompleteResult:
        refuseProblems(findAutocompleteProblems(data), ["data"]);
        record.choices = clone(Array.isArray(data.choices) ? data.choices : []);
        break;
      case InteractionResponseType.Modal:
        refuseProblems(findModalProblems(data), ["data"]);
        record.modal = clone(data);
        break;
      default:
        break;
    }
    record.acknowledged = true;
    record.callbackType = type;
    if (query.with_response !== "true") return { status: 204 };
    const message = record.original;
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id,
          type: record.type,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: message ? Boolean(message.flags & MessageFlags.Loading) : null,
          response_message_ephemeral: message ? Boolean(message.flags & MessageFlags.Ephemeral) : null,
        },
        resource: { type, ...(message && type !== InteractionResponseType.DeferredMessageUpdate ? { message: clone(message) } : {}) },
      },
    };
  }

  // ---------------------------------------------------------------------------------------------- webhooks

  /** POST /webhooks/:app/:token: a follow-up (`?wait=true` answers with the message). */
  followUp({ params, body, query, files }: RestRequest): RestResult {
    const record = this.webhookInteraction(params);
    if (!record.acknowledged) throw unknownWebhook();
    const payload = body ?? {};
    const original = record.original;
    const answer = (message: Payload): RestResult => (query.wait === "true" ? { status: 200, body: clone(message) } : { status: 204 });
    this.messages.checkNewMessage(payload, files.length);
    // Discord: a follow-up straight after a defer edits the loading message instead of creating one.
    if (record.callbackType === InteractionResponseType.DeferredChannelMessageWithSource && original && original.flags & MessageFlags.Loading) {
      this.messages.applyMessageEdit(original, { ...payload, flags: undefined }, files);
      this.messages.echoMessage(GatewayDispatchEvents.MessageUpdate, original);
      return answer(original);
    }
    const message = this.createResponseMessage(record, payload, files, false);
    record.followUps.push(message);
    return answer(message);
  }

  getResponse(params: Record<string, string>): Payload {
    return clone(this.responseMessage(this.webhookInteraction(params), params.messageId));
  }

  editResponse({ params, body, files }: RestRequest): RestResult {
    const message = this.responseMessage(this.webhookInteraction(params), params.messageId);
    this.messages.editMessage(message, body ?? {}, files);
    return { status: 200, body: clone(message) };
  }

  deleteResponse({ params }: RestRequest): RestResult {
    const record = this.webhookInteraction(params);
    const message = this.responseMessage(record, params.messageId);
    if (record.original === message) record.original = null;
    record.followUps = record.followUps.filter((followUp) => followUp !== message);
    this.messages.removeMessage(message);
    return { status: 204 };
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private webhookInteraction(params: Record<string, string>): InteractionRecord {
    const record = this.byToken.get(params.token);
    if (!record || params.applicationId !== this.model.applicationId) throw unknownWebhook();
    if (this.isExpired(record)) throw discordError(401, RESTJSONErrorCodes.InvalidWebhookToken, "Invalid Webhook Token");
    return record;
  }

  /** `@original` or a follow-up's id; 404 once the message, or the channel of a public one, is gone. */
  private responseMessage(record: InteractionRecord, messageId: string): Payload {
    const message = messageId === "@original" ? record.original : (record.followUps.find((followUp) => followUp.id === messageId) ?? null);
    if (!message) throw unknownMessage();
    if (!(message.flags & MessageFlags.Ephemeral) && !this.model.channels.has(message.channel_id)) throw unknownChannel();
    return message;
  }

  /** A response (original or follow-up) as Discord makes it: by the bot, through the application's webhook. */
  private createResponseMessage(record: InteractionRecord, data: Payload, files: RecordedFile[], loading: boolean): Payload {
    const payload = record.payload;
    const channel = this.model.channels.get(payload.channel_id) ?? payload.channel ?? { id: payload.channel_id };
    const user = payload.member?.user ?? payload.user;
    const isCommand = record.type === InteractionType.ApplicationCommand;
    const message = this.model.newMessage(channel, {
      author: this.model.botUser,
      webhook_id: this.model.applicationId,
      application_id: this.model.applicationId,
      type: isCommand ? MessageType.ChatInputCommand : MessageType.Default,
      interaction_metadata: {
        id: record.id,
        type: record.type,
        user,
        authorizing_integration_owners: payload.authorizing_integration_owners ?? {},
        ...(isCommand ? { name: payload.data?.name, command_type: payload.data?.type } : {}),
        ...(payload.message ? { interacted_message_id: payload.message.id } : {}),
      },
    });
    this.messages.applyMessagePayload(message, data, files, true);
    if (loading) message.flags |= MessageFlags.Loading;
    if (!(message.flags & MessageFlags.Ephemeral)) {
      this.model.storeMessage(message);
      this.messages.echoMessage(GatewayDispatchEvents.MessageCreate, message);
    }
    return message;
  }

  private find(interaction: SentInteraction | string): InteractionRecord {
    const key = typeof interaction === "string" ? interaction : interaction.token;
    const record = this.byToken.get(key) ?? this.byToken.get(this.tokensById.get(key) ?? "");
    if (!record) throw new Error(`Discord emulator: unknown interaction ${key}`);
    return record;
  }

  private isExpired(record: InteractionRecord): boolean {
    return record.expired || Date.now() - record.createdAt > this.times.tokenLifetimeMs;
  }

  private missedAckDeadline(record: InteractionRecord): boolean {
    const deadline = this.times.ackTimeoutMs;
    return deadline !== null && Date.now() - record.createdAt > deadline;
  }
}

/** The callback types Discord accepts for each interaction type. */
function allowedCallbackTypes(interactionType: number): number[] {
  switch (interactionType) {
    case InteractionType.Ping:
      return [InteractionResponseType.Pong];
    case InteractionType.ApplicationCommand:
      return [
        InteractionResponseType.ChannelMessageWithSource,
        InteractionResponseType.DeferredChannelMessageWithSource,
        InteractionResponseType.Modal,
        InteractionResponseType.LaunchActivity,
      ];
    case InteractionType.MessageComponent:
      return [
        InteractionResponseType.ChannelMessageWithSource,
        InteractionResponseType.DeferredChannelMessageWithSource,
        InteractionResponseType.DeferredMessageUpdate,
        InteractionResponseType.UpdateMessage,
        InteractionResponseType.Modal,
      ];
    case InteractionType.ApplicationCommandAutocomplete:
      return [InteractionResponseType.ApplicationCommandAutocompleteResult];
    case InteractionType.ModalSubmit:
      return [
        InteractionResponseType.ChannelMessageWithSource,
        InteractionResponseType.DeferredChannelMessageWithSource,
        InteractionResponseType.DeferredMessageUpdate,
        InteractionResponseType.UpdateMessage,
      ];
    default:
      return [];
  }
}
