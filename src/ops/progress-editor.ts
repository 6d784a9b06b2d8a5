// Shows a long job's progress by editing one reply: the first update at once, then the latest one at most every
// `intervalMs` (Discord rate-limits edits), and never an update after stop(), so the final edit lands last.

export const PROGRESS_INTERVAL_MS = 2000;

export interface ProgressEditor {
  show(content: string): void;
  /** Drops any update not yet sent and waits for the one in flight. */
  stop(): Promise<void>;
}

export interface ProgressEditorOptions {
  edit(content: string): Promise<unknown>;
  onError?(error: unknown): void;
  intervalMs?: number;
  now?: () => number;
}

export function createProgressEditor(options: ProgressEditorOptions): ProgressEditor {
  const { edit, onError = () => undefined, intervalMs = PROGRESS_INTERVAL_MS, now = Date.now } = options;
  let latest: string | undefined;
  let shown: string | undefined;
  let lastEditAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const fire = () => {
    timer = undefined;
    if (stopped || latest === undefined || latest === shown) return;
    const content = latest;
    shown = content;
    lastEditAt = now();
    inFlight = inFlight.then(() => edit(content)).catch(onError);
  };

  return {
    show(content) {
      if (stopped) return;
      latest = content;
      if (timer) return;
      const wait = lastEditAt + intervalMs - now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
