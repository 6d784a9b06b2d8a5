/**
 * The REST API's HTTP side: reading a request (JSON or multipart with payload_json), matching it to a route,
 * checking the bot token, answering with a fault when one is queued, turning a thrown DiscordHttpError into
 * Discord's status and body, and recording every call. Which routes exist is routes.ts.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { RESTJSONErrorCodes } from "discord.js";
import { discordError, DiscordHttpError } from "./errors.js";
import type { FaultRule, Payload, RecordedCall, RecordedFile } from "./types.js";

export const INTERACTION_CALLBACK_ROUTE = "/interactions/:interactionId/:token/callback";

export interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Payload | undefined;
  files: RecordedFile[];
}

export interface RestResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** "/channels/:channelId/messages": recorded as `RecordedCall.route`, `:name` segments become params. */
  pattern: string;
  regex: RegExp;
  keys: string[];
  /** Whether the call needs `Authorization: Bot <token>` (webhook and interaction routes do not). */
  botAuth: boolean;
  handle: (request: RestRequest) => RestResult | Promise<RestResult>;
}

export function route(method: string, pattern: string, handle: Route["handle"], botAuth = true): Route {
  const keys: string[] = [];
  const source = pattern
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      keys.push(segment.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { method, pattern, regex: new RegExp(`^${source}$`), keys, botAuth, handle };
}

/** The message part of a recorded call: `body.data` for an interaction callback, the body otherwise. */
export function messagePayloadOf(call: RecordedCall): Payload | undefined {
  return call.route === INTERACTION_CALLBACK_ROUTE ? call.body?.data : call.body;
}

export class RestApi {
  /** Every call, in the order they were answered. */
  readonly calls: RecordedCall[] = [];
  private readonly faults: Array<FaultRule & { remaining: number }> = [];

  constructor(
    private readonly routes: Route[],
    private readonly token: string,
    /** Called after every answered call. */
    private readonly notify: () => void,
  ) {}

  /** Answers the next matching calls with an error instead of handling them. */
  failNext(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times ?? 1 });
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = (request.method ?? "GET").toUpperCase();
    const { version, path } = splitApiPath(url.pathname);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : (value ?? "")]),
    );
    const call: RecordedCall = {
      seq: -1,
      method,
      path,
      version,
      route: null,
      params: {},
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      headers,
      status: 0,
      response: undefined,
      responseHeaders: {},
    };
    let result: RestResult;
    try {
      const raw = await readBody(request);
      Object.assign(call, await parseRequestBody(raw, headers["content-type"] ?? ""));
      const match = this.match(method, path);
      if (match) {
        call.route = match.route.pattern;
        call.params = match.params;
      }
      const fault = this.takeFault(method, path);
      if (fault) result = fault;
      else if (!match) throw discordError(404, 0, "404: Not Found");
      else {
        if (match.route.botAuth && headers.authorization !== `Bot ${this.token}`) throw discordError(401, 0, "401: Unauthorized");
        result = await match.route.handle({ method, path, params: call.params, query: call.query, body: call.body, files: call.files });
      }
    } catch (error) {
      result =
        error instanceof DiscordHttpError
          ? { status: error.status, body: error.body, headers: error.headers }
          : { status: 500, body: { message: "500: Internal Server Error", code: 0, emulator_error: String(error) } };
    }
    const hasBody = result.body !== undefined && result.status !== 204;
    call.status = result.status;
    call.response = result.body === undefined ? undefined : structuredClone(result.body);
    const responseHeaders: Record<string, string> = { ...result.headers };
    if (hasBody) responseHeaders["content-type"] = "application/json";
    call.responseHeaders = responseHeaders;
    call.seq = this.calls.length;
    this.calls.push(call);
    response.writeHead(result.status, responseHeaders);
    response.end(hasBody ? JSON.stringify(result.body) : undefined);
    this.notify();
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    for (const candidate of this.routes) {
      if (candidate.method !== method) continue;
      const found = candidate.regex.exec(path);
      if (!found) continue;
      const params = Object.fromEntries(candidate.keys.map((key, index) => [key, found[index + 1]]));
      return { route: candidate, params };
    }
    return null;
  }

  private takeFault(method: string, path: string): RestResult | null {
    const index = this.faults.findIndex(
      (fault) =>
        (!fault.method || fault.method.toUpperCase() === method) && (typeof fault.path === "string" ? fault.path === path : fault.path.test(path)),
    );
    if (index === -1) return null;
    const fault = this.faults[index];
    if (--fault.remaining <= 0) this.faults.splice(index, 1);
    if (fault.status === 429) return rateLimited(fault.retryAfter ?? 0.05, fault.global ?? false);
    const fallback = fault.status >= 500 ? "Server Error" : "Emulated failure";
    return { status: fault.status, body: { message: fault.message ?? `${fault.status}: ${fallback}`, code: fault.code ?? 0 } };
  }
}

/** Discord's 429, with the headers discord.js reads to wait it out. */
function rateLimited(retryAfter: number, global: boolean): RestResult {
  return {
    status: 429,
    body: { message: "You are being rate limited.", retry_after: retryAfter, global },
    headers: {
      // Discord rounds this header up to whole seconds; fractions here keep the tests fast and discord.js reads either.
      "retry-after": String(retryAfter),
      "x-ratelimit-limit": "5",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
      "x-ratelimit-reset-after": String(retryAfter),
      "x-ratelimit-bucket": "emulated",
      "x-ratelimit-scope": global ? "global" : "user",
      ...(global ? { "x-ratelimit-global": "true" } : {}),
    },
  };
}

/** Splits "/api/v10/channels/1" into version 10 and "/channels/1", each segment percent-decoded. */
function splitApiPath(pathname: string): { version: number | null; path: string } {
  const decoded = pathname
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
  const found = /^\/api(?:\/v(\d+))?(\/.*)?$/.exec(decoded);
  if (!found) return { version: null, path: decoded };
  return { version: found[1] ? Number(found[1]) : null, path: found[2] ?? "/" };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseRequestBody(raw: Buffer, contentType: string): Promise<{ body: Payload | undefined; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith("multipart/form-data")) {
    const form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
    const files: RecordedFile[] = [];
    let body: Payload | undefined;
    for (const [field, value] of form) {
      if (typeof value === "string") {
        if (field === "payload_json") body = { ...body, ...parseJson(value) };
        else body = { ...body, [field]: value };
      } else {
        const data = Buffer.from(await value.arrayBuffer());
        files.push({ field, name: value.name, contentType: value.type, size: data.length, data });
      }
    }
    return { body, files };
  }
  return { body: parseJson(raw.toString("utf8")), files: [] };
}

function parseJson(text: string): Payload {
  try {
    return JSON.parse(text);
  } catch {
    throw discordError(400, RESTJSONErrorCodes.RequestBodyContainsInvalidJSON, "The request body contains invalid JSON.");
  }
}
