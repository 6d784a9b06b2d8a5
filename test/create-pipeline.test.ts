import { describe, expect, it } from "vitest";
import { createTurnTaker } from "../src/core/pipeline/create-pipeline.js";

describe("createTurnTaker", () => {
  it("GIVEN several callers at once THEN each runs in its own event-loop turn, letting other work in between", async () => {
    const takeTurn = createTurnTaker();
    const order: string[] = [];
    const tasks = [1, 2, 3].map(async (i) => {
      await takeTurn();
      order.push(`task${i}`);
      if (i === 1) setImmediate(() => order.push("other work"));
    });
    await Promise.all(tasks);
    expect(order).toEqual(["task1", "other work", "task2", "task3"]);
  });
});
