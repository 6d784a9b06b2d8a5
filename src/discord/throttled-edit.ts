// One reply kept current by edits: the first content at once, then the latest at most every `intervalMs`
// (Discord rate-limits edits), and nothing after stop(), so the caller's final edit lands last. /reindex's
// progress and a streaming answer's preview both show through it.

export const PROGRESS_INTERVAL_MS = 2000;

export interface ThrottledEdit {
  /** Content to show; only the latest one waiting is sent. */
  show(content: string): void;
  /** Drops any content not yet sent and waits for the edit in flight. */
  stop(): Promise<void>;
}

export interface ThrottledEditOptions {
  edit(content: string): Promise<unknown>;
  onError?(error: unknown): void;
  intervalMs?: number;
  now?: () => number;
  /** Runs `run` after `ms` (tests pass a manual clock). Default: setTimeout. */
  schedule?: (run: () => void, ms: number) => { cancel(): void };
}

const scheduleWithTimer = (run: () => void, ms: number) => {
  const timer = setTimeout(run, ms);
  return { cancel: () => clearTimeout(timer) };
};

export function createThrottledEdit(options: ThrottledEditOptions): ThrottledEdit {
  const { edit, onError = () => undefined, intervalMs = PROGRESS_INTERVAL_MS, now = Date.now, schedule = scheduleWithTimer } = options;
  let latest: string | undefined;
  let shown: string | undefined;
  let lastEditAt = -Infinity;
  let pending: { cancel(): void } | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const fire = () => {
    pending = undefined;
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
      if (pending) return;
      const wait = lastEditAt + intervalMs - now();
      if (wait <= 0) fire();
      else pending = schedule(fire, wait);
    },
    async stop() {
      stopped = true;
      pending?.cancel();
      pending = undefined;
      await inFlight;
    },
  };
}
