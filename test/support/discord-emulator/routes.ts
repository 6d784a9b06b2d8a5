/** The REST routes the emulator knows, each mapped to the part that handles it. Any other route is a 404. */
import { RESTJSONErrorCodes } from "discord.js";
import type { Channels } from "./channels.js";
import type { Commands } from "./commands.js";
import { discordError } from "./errors.js";
import type { EmulatedGateway } from "./gateway.js";
import type { Interactions } from "./interactions.js";
import type { Messages } from "./messages.js";
import type { DiscordModel } from "./model.js";
import { INTERACTION_CALLBACK_ROUTE, route, type RestResult, type Route } from "./rest.js";

export interface RouteHandlers {
  model: DiscordModel;
  gateway: EmulatedGateway;
  gatewayUrl: () => string;
  messages: Messages;
  channels: Channels;
  interactions: Interactions;
  commands: Commands;
}

const ok = (body: unknown, status = 200): RestResult => ({ status, body });
const noContent: RestResult = { status: 204 };

export function buildRoutes({ model, gateway, gatewayUrl, messages, channels, interactions, commands }: RouteHandlers): Route[] {
  const knownChannel = ({ params }: { params: Record<string, string> }) => (model.knownChannel(params.channelId), noContent);
  const knownMessage = ({ params }: { params: Record<string, string> }) => (messages.channelMessage(params), noContent);
  const applicationCommands = "/applications/:applicationId/commands";
  const guildCommands = "/applications/:applicationId/guilds/:guildId/commands";
  const webhookMessage = "/webhooks/:applicationId/:token/messages/:messageId";
  const ownReaction = "/channels/:channelId/messages/:messageId/reactions/:emoji/@me";
  return [
    route("GET", "/gateway/bot", () =>
      ok({
        url: gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000 - gateway.state().identifyCount, reset_after: 86_400_000, max_concurrency: 1 },
      }),
    ),
    route("GET", "/gateway", () => ok({ url: gatewayUrl() }), false),

    route("GET", "/users/@me", () => ok(model.botUser)),
    route("POST", "/users/@me/channels", ({ body }) => ok(model.dmChannelFor(model.knownUser(String(body?.recipient_id))))),
    route("GET", "/users/:userId", ({ params }) => ok(model.knownUser(params.userId))),
    route("GET", "/applications/@me", () => ok(model.applicationObject())),
    route("GET", "/oauth2/applications/@me", () => ok(model.applicationObject())),

    route("GET", applicationCommands, (request) => ok(commands.list(request, null))),
    route("PUT", applicationCommands, (request) => ok(commands.overwrite(request, null))),
    route("POST", applicationCommands, (request) => commands.create(request, null)),
    route("DELETE", `${applicationCommands}/:commandId`, (request) => commands.delete(request, null)),
    route("GET", guildCommands, (request) => ok(commands.list(request, request.params.guildId))),
    route("PUT", guildCommands, (request) => ok(commands.overwrite(request, request.params.guildId))),
    route("POST", guildCommands, (request) => commands.create(request, request.params.guildId)),
    route("DELETE", `${guildCommands}/:commandId`, (request) => commands.delete(request, request.params.guildId)),

    route("POST", INTERACTION_CALLBACK_ROUTE, (request) => interactions.callback(request), false),
    route("POST", "/webhooks/:applicationId/:token", (request) => interactions.followUp(request), false),
    route("GET", webhookMessage, ({ params }) => ok(interactions.getResponse(params)), false),
    route("PATCH", webhookMessage, (request) => interactions.editResponse(request), false),
    route("DELETE", webhookMessage, (request) => interactions.deleteResponse(request), false),

    route("GET", "/channels/:channelId", ({ params }) => ok(model.knownChannel(params.channelId))),
    route("PATCH", "/channels/:channelId", (request) => ok(channels.editChannel(request))),
    route("DELETE", "/channels/:channelId", ({ params }) => {
      const channel = model.knownChannel(params.channelId);
      channels.deleteChannel(params.channelId);
      return ok(channel);
    }),
    route("GET", "/channels/:channelId/messages", ({ params, query }) => ok(messages.listMessages(params.channelId, query))),
    route("POST", "/channels/:channelId/messages", (request) => ok(messages.createChannelMessage(request))),
    route("GET", "/channels/:channelId/messages/:messageId", ({ params }) => ok(messages.channelMessage(params))),
    route("PATCH", "/channels/:channelId/messages/:messageId", (request) => ok(messages.editChannelMessage(request))),
    route("DELETE", "/channels/:channelId/messages/:messageId", ({ params }) => (messages.deleteChannelMessage(params), noContent)),
    route("POST", "/channels/:channelId/messages/:messageId/threads", (request) => ok(channels.startThreadFromMessage(request), 201)),
    route("POST", "/channels/:channelId/threads", (request) => ok(channels.startThread(request), 201)),
    // Accepted and otherwise ignored: the emulator keeps no typing state, thread membership or reactions.
    route("POST", "/channels/:channelId/typing", knownChannel),
    route("PUT", "/channels/:channelId/thread-members/@me", knownChannel),
    route("DELETE", "/channels/:channelId/thread-members/@me", knownChannel),
    route("PUT", ownReaction, knownMessage),
    route("DELETE", ownReaction, knownMessage),

    route("GET", "/guilds/:guildId", ({ params }) => (model.knownGuild(params.guildId), ok(model.guildObject(false)))),
    route("GET", "/guilds/:guildId/channels", ({ params }) => (model.knownGuild(params.guildId), ok(model.guildChannels(false)))),
    route("GET", "/guilds/:guildId/roles", ({ params }) => (model.knownGuild(params.guildId), ok(model.roles()))),
    route("GET", "/guilds/:guildId/members/:userId", ({ params }) => {
      model.knownGuild(params.guildId);
      const user = model.users.get(params.userId);
      if (!user) throw discordError(404, RESTJSONErrorCodes.UnknownMember, "Unknown Member");
      return ok(model.memberOf(user));
    }),
  ];
}
