// An OpenAI-compatible server on 127.0.0.1 for tests: /v1/chat/completions (plain and streamed as SSE)
// and /v1/embeddings (deterministic hashed bag-of-words vectors). It records every request body.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatMessageBody {
  role: string;
  content: unknown;
}

export interface ChatRequestBody {
  model: string;
  messages: ChatMessageBody[];
  stream?: boolean;
  [key: string]: unknown;
}

/**
 * What the fake does with one chat request: a string is the assistant's answer; "hang" never answers;
 * `{ status, body }` answers with that status and raw body (e.g. 200 with invalid JSON, 429, 500).
 */
export type FakeReply = string | "hang" | { status: number; body?: string };

export interface RecordedRequest {
  method: string;
  path: string;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: any;
}

export interface FakeOpenAIOptions {
  reply?: (request: ChatRequestBody) => FakeReply | Promise<FakeReply>;
  /** Embedding size (default 64). */
  dimensions?: number;
  /** Overrides /v1/embeddings, e.g. to fail it; return undefined for the normal vectors. */
  embeddings?: (body: { input: string | string[]; model: string }) => Exclude<FakeReply, string> | "hang" | undefined;
}

export interface FakeOpenAI {
  /** Base URL including /v1, as OPENAI_BASE_URL expects. */
  baseURL: string;
  requests: RecordedRequest[];
  chatRequests(): ChatRequestBody[];
  embeddingRequests(): { input: string | string[]; model: string; encoding_format?: string }[];
  close(): Promise<void>;
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const dimensions = options.dimensions ?? 64;
  const requests: RecordedRequest[] = [];
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req);
    let body: any = raw;
    try {
      body = raw === "" ? undefined : JSON.parse(raw);
    } catch {
      // Keep the raw text: a test may want to see what a client sent.
    }
    const path = (req.url ?? "/").split("?")[0];
    requests.push({ method: req.method ?? "GET", path, body });

    try {
      if (req.method === "POST" && path === "/v1/chat/completions") {
        const reply = await (options.reply ?? (() => "OK"))(body as ChatRequestBody);
        return sendChat(res, reply, body as ChatRequestBody, hanging);
      }
      if (req.method === "POST" && path === "/v1/embeddings") {
        const override = options.embeddings?.(body);
        if (override !== undefined) return sendChat(res, override, body, hanging);
        return sendJson(res, 200, embeddingsResponse(body, dimensions));
      }
      sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: "invalid_request_error" } });
    } catch (error) {
      sendJson(res, 500, { error: { message: String(error), type: "server_error" } });
    }
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.body as ChatRequestBody),
    embeddingRequests: () => requests.filter((r) => r.path === "/v1/embeddings").map((r) => r.body),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The vector the fake returns for `text`: a normalised hashed bag of words, never all zeros. */
export function fakeEmbedding(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const hash = fnv1a(word);
    vector[hash % dimensions] += hash & 0x80000000 ? -1 : 1;
  }
  if (!vector.some((v) => v !== 0)) vector[0] = 1;
  const norm = Math.hypot(...vector);
  return vector.map((v) => v / norm);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function embeddingsResponse(body: { input: string | string[]; model: string; encoding_format?: string }, dimensions: number) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const data = inputs.map((text, index) => {
    const vector = fakeEmbedding(String(text), dimensions);
    const embedding = body.encoding_format === "base64" ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
    return { object: "embedding", index, embedding };
  });
  const tokens = inputs.reduce((sum, text) => sum + String(text).split(/\s+/).length, 0);
  return { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

function sendChat(res: http.ServerResponse, reply: FakeReply, request: ChatRequestBody, hanging: Set<http.ServerResponse>): void {
  if (reply === "hang") {
    hanging.add(res);
    res.on("close", () => hanging.delete(res));
    return;
  }
  if (typeof reply === "object") {
    res.writeHead(reply.status, { "content-type": "application/json" });
    res.end(reply.body ?? JSON.stringify({ error: { message: `fake error ${reply.status}`, type: "server_error" } }));
    return;
  }
  const id = "chatcmpl-fake";
  const created = Math.floor(Date.now() / 1000);
  const model = request.model;
  if (!request.stream) {
    sendJson(res, 200, {
      id,
      object: "chat.completion",
      created,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop", logprobs: null }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.write(chunk({ role: "assistant", content: "" }, null));
  for (const piece of reply.match(/\S+\s*|\s+/g) ?? []) res.write(chunk({ content: piece }, null));
  res.write(chunk({}, "stop"));
  res.end("data: [DONE]\n\n");
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
