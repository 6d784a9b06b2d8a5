// GET /healthz and GET /metrics over node:http, for a process supervisor or a Prometheus scraper.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../base/log.js";
import { METRICS_CONTENT_TYPE } from "./metrics.js";

export interface HealthReport {
  /** Empty when healthy; otherwise why not, one short phrase each. */
  reasons: string[];
  /** Extra facts shown in the JSON either way (index generation, uptime...). */
  details?: Record<string, unknown>;
}

export interface HealthServerOptions {
  port: number;
  /** Loopback by default: metrics are for the machine's own scraper, not the internet. */
  host?: string;
  check(): HealthReport;
  metrics(): string;
  log: Logger;
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { log } = options;
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    try {
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("Method not allowed\n");
        return;
      }
      if (path === "/healthz") {
        const report = options.check();
        const healthy = report.reasons.length === 0;
        const body = JSON.stringify({ status: healthy ? "ok" : "unavailable", reasons: report.reasons, ...report.details });
        response.writeHead(healthy ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" }).end(`${body}\n`);
        return;
      }
      if (path === "/metrics") {
        response.writeHead(200, { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" }).end(options.metrics());
        return;
      }
      response.writeHead(404, { "content-type": "text/plain" }).end("Not found: try /healthz or /metrics\n");
    } catch (error) {
      log.error({ err: error, path }, "health endpoint failed");
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end("Internal error\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => log.error({ err: error }, "health server error"));
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ url }, "health and metrics listening");
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
