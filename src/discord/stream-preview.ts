// While a chat model streams, the reply grows by edits, no more often than Discord's rate limits allow.
import { DISCORD_LIMITS as L } from "./discord-limits.js";
import { escapeMarkdownText } from "./escape-markdown.js";

export const PREVIEW_INTERVAL_MS = 1500;
const CURSOR = " ▌";

export interface StreamPreview {
  onToken(token: string): void;
  /** Stops previewing and waits for an edit in flight, so that the final edit lands last. */
  stop(): Promise<void>;
}

export interface StreamPreviewOptions {
  edit(content: string): Promise<unknown>;
  onError?(error: unknown): void;
  intervalMs?: number;
  now?: () => number;
  schedule?: (run: () => void, ms: number) => { cancel(): void };
}

const scheduleWithTimer = (run: () => void, ms: number) => {
  const timer = setTimeout(run, ms);
  return { cancel: () => clearTimeout(timer) };
};

export function createStreamPreview(options: StreamPreviewOptions): StreamPreview {
  const { edit, onError = () => undefined, intervalMs = PREVIEW_INTERVAL_MS, now = Date.now, schedule = scheduleWithTimer } = options;
  let text = "";
  let lastEditAt = -Infinity;
  let pending: { cancel(): void } | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const fire = () => {
    pending = undefined;
    if (stopped || !text.trim()) return;
    lastEditAt = now();
    const escaped = escapeMarkdownText(text.trim());
    const room = L.content - CURSOR.length;
    const content = (escaped.length > room ? `…${escaped.slice(escaped.length - room + 1)}` : escaped) + CURSOR;
    inFlight = inFlight.then(() => edit(content)).catch(onError);
  };

  return {
    onToken(token) {
      if (stopped) return;
      text += token;
      if (pending) return;
      pending = schedule(fire, Math.max(0, lastEditAt + intervalMs - now()));
    },
    async stop() {
      stopped = true;
      pending?.cancel();
      pending = undefined;
      await inFlight;
    },
  };
}
