import { describe, expect, it } from "vitest";
import { createStreamPreview } from "../src/discord/stream-preview.js";

/** A manual clock and scheduler: the test decides when time passes. */
function manualTime() {
  let t = 0;
  const timers: Array<{ at: number; run: () => void; cancelled: boolean }> = [];
  return {
    now: () => t,
    schedule(run: () => void, ms: number) {
      const timer = { at: t + ms, run, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
    async advance(ms: number) {
      t += ms;
      for (const timer of timers.splice(0).filter((x) => !x.cancelled)) {
        if (timer.at <= t) timer.run();
        else timers.push(timer);
      }
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe("createStreamPreview", () => {
  it("GIVEN tokens streaming in THEN edits at most once per interval, each edit showing the text so far", async () => {
    const time = manualTime();
    const edits: string[] = [];
    const preview = createStreamPreview({ edit: async (c) => edits.push(c), intervalMs: 1500, now: time.now, schedule: time.schedule });
    preview.onToken("Russia ");
    await time.advance(0);
    expect(edits).toEqual(["Russia ▌"]);
    preview.onToken("would ");
    preview.onToken("adhere");
    await time.advance(1000);
    expect(edits).toHaveLength(1);
    await time.advance(500);
    expect(edits).toEqual(["Russia ▌", "Russia would adhere ▌"]);
    preview.onToken(" [1].");
    await preview.stop();
    await time.advance(5000);
    expect(edits).toHaveLength(2);
  });

  it("GIVEN a very long stream THEN each edit fits Discord's 2,000 characters", async () => {
    const time = manualTime();
    const edits: string[] = [];
    const preview = createStreamPreview({ edit: async (c) => edits.push(c), now: time.now, schedule: time.schedule });
    preview.onToken("word ".repeat(1000));
    await time.advance(0);
    expect(edits[0]!.length).toBeLessThanOrEqual(2000);
    await preview.stop();
  });

  it("GIVEN an edit that fails THEN reports it and keeps going", async () => {
    const time = manualTime();
    const errors: unknown[] = [];
    const preview = createStreamPreview({
      edit: async () => Promise.reject(new Error("429")),
      onError: (e) => errors.push(e),
      now: time.now,
      schedule: time.schedule,
    });
    preview.onToken("x");
    await time.advance(0);
    await preview.stop();
    expect(errors).toHaveLength(1);
  });
});
