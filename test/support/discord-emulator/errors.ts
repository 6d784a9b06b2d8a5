/** Discord's error answers: thrown by a handler, turned into the HTTP status and JSON body by the REST layer. */
import { RESTJSONErrorCodes } from "discord.js";
import type { FormIssue, Payload } from "./types.js";
import { nestFormIssues } from "./validation.js";

export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Payload,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

export function discordError(status: number, code: number, message: string, errors?: Payload): DiscordHttpError {
  return new DiscordHttpError(status, errors ? { message, code, errors } : { message, code });
}

export function invalidFormBody(issues: FormIssue[], prefix: Array<string | number> = []): DiscordHttpError {
  return discordError(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, "Invalid Form Body", nestFormIssues(issues, prefix));
}

/** Throws Discord's 400 / 50035 when there is anything to refuse; `prefix` nests the issues (["data"] in callbacks). */
export function refuseProblems(issues: FormIssue[], prefix: Array<string | number> = []): void {
  if (issues.length > 0) throw invalidFormBody(issues, prefix);
}

export const unknownChannel = () => discordError(404, RESTJSONErrorCodes.UnknownChannel, "Unknown Channel");
export const unknownMessage = () => discordError(404, RESTJSONErrorCodes.UnknownMessage, "Unknown Message");
export const unknownWebhook = () => discordError(404, RESTJSONErrorCodes.UnknownWebhook, "Unknown Webhook");
