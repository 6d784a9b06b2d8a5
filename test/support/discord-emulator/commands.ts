/**
 * Application commands: the registration routes (global and guild; list, bulk overwrite, create, delete), and
 * turning `{ question: "..." }` into the options a Discord client would send for a registered command.
 */
import { ApplicationCommandOptionType, ApplicationCommandType, RESTJSONErrorCodes } from "discord.js";
import { discordError, invalidFormBody, refuseProblems } from "./errors.js";
import { clone, type DiscordModel } from "./model.js";
import type { RestRequest, RestResult } from "./rest.js";
import type { FormIssue, Payload } from "./types.js";
import { findCommandProblems } from "./validation.js";

/** Which registration a route is about: the guild's, or the global one (null). */
type Scope = string | null;

export class Commands {
  private readonly global: Payload[] = [];
  private readonly byGuild = new Map<string, Payload[]>();

  constructor(private readonly model: DiscordModel) {}

  /** Commands registered with PUT/POST (copies), global ones when no guild id is given. */
  registered(guildId?: string): Payload[] {
    return clone(this.listFor(guildId ?? null));
  }

  /** The registered chat-input command of that name, the guild's before the global one. */
  find(name: string, guildId: Scope): Payload | undefined {
    const isNamed = (command: Payload) => command.name === name && command.type === ApplicationCommandType.ChatInput;
    return (guildId ? this.byGuild.get(guildId)?.find(isNamed) : undefined) ?? this.global.find(isNamed);
  }

  // ------------------------------------------------------------------------------------------------- routes

  list({ params }: RestRequest, guildId: Scope): Payload[] {
    this.checkApplication(params.applicationId, guildId);
    return this.registered(guildId ?? undefined);
  }

  /** PUT: replaces the whole list; a command keeps its id when its name and type stay. */
  overwrite({ params, body }: RestRequest, guildId: Scope): Payload[] {
    this.checkApplication(params.applicationId, guildId);
    if (!Array.isArray(body)) throw invalidFormBody([{ path: [], code: "BASE_TYPE_ARRAY", message: "Must be an array." }]);
    const issues: FormIssue[] = body.flatMap((command: Payload, index: number) =>
      findCommandProblems(command).map((issue) => ({ ...issue, path: [index, ...issue.path] })),
    );
    const names = body.map((command: Payload) => `${command.type ?? 1}:${command.name}`);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index)
        issues.push({ path: [index, "name"], code: "APPLICATION_COMMANDS_DUPLICATE_NAME", message: `Application command names must be unique` });
    });
    refuseProblems(issues);
    const previous = this.listFor(guildId);
    const stored = body.map((command: Payload) => this.storedCommand(command, guildId, previous));
    if (guildId) this.byGuild.set(guildId, stored);
    else this.global.splice(0, this.global.length, ...stored);
    return clone(stored);
  }

  /** POST: creates the command (201), or replaces the one of the same name and type (200). */
  create({ params, body }: RestRequest, guildId: Scope): RestResult {
    this.checkApplication(params.applicationId, guildId);
    refuseProblems(findCommandProblems(body ?? {}));
    const list = this.listFor(guildId);
    const stored = this.storedCommand(body ?? {}, guildId, list);
    const index = list.findIndex((command) => command.name === stored.name && command.type === stored.type);
    if (index === -1) list.push(stored);
    else list[index] = stored;
    if (guildId) this.byGuild.set(guildId, list);
    return { status: index === -1 ? 201 : 200, body: clone(stored) };
  }

  delete({ params }: RestRequest, guildId: Scope): RestResult {
    this.checkApplication(params.applicationId, guildId);
    const list = this.listFor(guildId);
    const index = list.findIndex((command) => command.id === params.commandId);
    if (index === -1) throw discordError(404, RESTJSONErrorCodes.UnknownApplicationCommand, "Unknown application command");
    list.splice(index, 1);
    return { status: 204 };
  }

  // ------------------------------------------------------------------------------------ invoking a command

  /** Turns { question: "..." } into API options, as the Discord client would (it refuses what does not fit). */
  toOptions(name: string, options: Record<string, unknown>, command: Payload | undefined): Payload[] {
    const declared: Payload[] = command?.options ?? [];
    const given = Object.entries(options).filter(([, value]) => value !== undefined);
    if (command) {
      for (const option of declared) {
        if (option.required && !given.some(([key]) => key === option.name)) {
          throw new Error(`Discord emulator: /${name} requires the option "${option.name}"; the Discord client would not send it without`);
        }
      }
    }
    return given.map(([key, value]) => {
      const declaration = declared.find((option) => option.name === key);
      if (command && !declaration) throw new Error(`Discord emulator: the registered /${name} has no option "${key}"`);
      const type = declaration?.type ?? inferOptionType(value);
      if (!fitsOptionType(type, value)) throw new Error(`Discord emulator: option "${key}" of /${name} cannot hold ${JSON.stringify(value)}`);
      return { name: key, type, value };
    });
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** The stored list itself (not a copy); a guild without commands gets a new empty one. */
  private listFor(guildId: Scope): Payload[] {
    return guildId ? (this.byGuild.get(guildId) ?? []) : this.global;
  }

  private storedCommand(command: Payload, guildId: Scope, previous: Payload[]): Payload {
    const type = command.type ?? ApplicationCommandType.ChatInput;
    const existing = previous.find((candidate) => candidate.name === command.name && candidate.type === type);
    return {
      id: existing?.id ?? this.model.nextId(),
      application_id: this.model.applicationId,
      version: this.model.nextId(),
      default_member_permissions: null,
      nsfw: false,
      contexts: null,
      integration_types: [0],
      ...clone(command),
      type,
      description: command.description ?? "",
      ...(guildId ? { guild_id: guildId } : {}),
    };
  }

  private checkApplication(applicationId: string, guildId: Scope): void {
    if (applicationId !== this.model.applicationId) {
      throw discordError(
        403,
        RESTJSONErrorCodes.NotAuthorizedToPerformThisActionOnThisApplication,
        "You are not authorized to perform this action on this application",
      );
    }
    if (guildId && guildId !== this.model.guildId) throw discordError(403, RESTJSONErrorCodes.MissingAccess, "Missing Access");
  }
}

function inferOptionType(value: unknown): number {
  if (typeof value === "boolean") return ApplicationCommandOptionType.Boolean;
  if (typeof value === "number") return Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
  return ApplicationCommandOptionType.String;
}

function fitsOptionType(type: number, value: unknown): boolean {
  switch (type) {
    case ApplicationCommandOptionType.Boolean:
      return typeof value === "boolean";
    case ApplicationCommandOptionType.Integer:
      return Number.isInteger(value);
    case ApplicationCommandOptionType.Number:
      return typeof value === "number" && Number.isFinite(value);
    default:
      return typeof value === "string";
  }
}
