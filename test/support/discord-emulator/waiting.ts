/**
 * Promises that resolve once the emulator has seen something: every REST call and gateway frame calls
 * `notify()`, which re-runs each pending check.
 */

interface Waiter {
  check: () => boolean;
  reject: (error: Error) => void;
}

export class Waiters {
  private readonly pending = new Set<Waiter>();

  /** @param describeState What a timeout message adds, so a failing test shows what did happen. */
  constructor(private readonly describeState: () => string) {}

  /** Resolves with the first truthy value of `check`, re-evaluated on every `notify()`. */
  waitUntil<T>(check: () => T | undefined | null | false, timeoutMs: number, description: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const value = check();
          if (value === undefined || value === null || value === false) return false;
          this.pending.delete(waiter);
          clearTimeout(timer);
          resolve(value);
          return true;
        },
        reject: (error) => {
          this.pending.delete(waiter);
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(
        () => waiter.reject(new Error(`Discord emulator: timed out after ${timeoutMs} ms waiting for ${description}. ${this.describeState()}`)),
        timeoutMs,
      );
      if (!waiter.check()) this.pending.add(waiter);
    });
  }

  notify(): void {
    for (const waiter of [...this.pending]) waiter.check();
  }

  rejectAll(error: Error): void {
    for (const waiter of [...this.pending]) waiter.reject(error);
  }
}
