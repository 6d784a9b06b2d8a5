// While a chat model streams, the reply grows by edits (through the throttled edit), escaped and cut to fit.
import { DISCORD_LIMITS as L } from "./discord-limits.js";
import { escapeMarkdownText } from "./escape-markdown.js";
import { createThrottledEdit, type ThrottledEditOptions } from "./throttled-edit.js";

export const PREVIEW_INTERVAL_MS = 1500;
const CURSOR = " ▌";

export interface StreamPreview {
  onToken(token: string): void;
  /** Stops previewing and waits for an edit in flight, so that the final edit lands last. */
  stop(): Promise<void>;
}

/** The text so far, escaped, its end kept when it is longer than a message, with a cursor. */
function renderPreview(text: string): string {
  const escaped = escapeMarkdownText(text.trim());
  const room = L.content - CURSOR.length;
  return (escaped.length > room ? `…${escaped.slice(escaped.length - room + 1)}` : escaped) + CURSOR;
}

export function createStreamPreview(options: ThrottledEditOptions): StreamPreview {
  const edits = createThrottledEdit({ intervalMs: PREVIEW_INTERVAL_MS, ...options });
  let text = "";
  return {
    onToken(token) {
      text += token;
      if (text.trim()) edits.show(renderPreview(text));
    },
    stop: () => edits.stop(),
  };
}
