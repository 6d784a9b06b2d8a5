import { describe, expect, it } from "vitest";
import { createPipeline, createTurnTaker, type PipelineParts } from "../src/core/pipeline/create-pipeline.js";
import type { Turn } from "../src/core/ports.js";
import type { Answer, Citation, Query } from "../src/core/types.js";

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

describe("follow-up questions", () => {
  const citation: Citation = {
    n: 1,
    source: "moscow.txt",
    title: "Moscow talks",
    lines: [3, 3],
    quote: "Kamynin said Russia would adhere to the London approach.",
    passageId: "p1",
    score: 1,
  };
  const firstTurn: Turn = {
    question: "What did Russia's Foreign Ministry say?",
    answer: {
      question: "What did Russia's Foreign Ministry say?",
      text: "Kamynin said so [1].",
      abstained: false,
      citations: [citation],
      nearest: [],
    },
  };
  function pipelineRecording(condense?: PipelineParts["condense"]) {
    const retrieved: string[] = [];
    const pipeline = createPipeline({
      retrieve: async (query: Query) => (retrieved.push(query.text), []),
      answer: async (question: string): Promise<Answer> => ({
        question,
        text: "The articles don't say.",
        abstained: true,
        citations: [],
        nearest: [],
      }),
      ...(condense ? { condense } : {}),
      articles: () => [],
      getPassage: () => undefined,
    });
    return { pipeline, retrieved };
  }

  it("without a chat model, attaches the earlier question to a follow-up that leans on it, and reports what it searched", async () => {
    const { pipeline, retrieved } = pipelineRecording();
    const result = await pipeline.ask("and what did Israel say?", { history: [firstTurn] });
    expect(retrieved).toEqual(["and what did Israel say? (following up on: What did Russia's Foreign Ministry say?)"]);
    expect(result).toMatchObject({ question: "and what did Israel say?", standalone: retrieved[0] });
  });

  it("with a chat model, lets it condense the member's own words (not an already rewritten question)", async () => {
    const seen: string[] = [];
    const { pipeline, retrieved } = pipelineRecording(async (question) => (seen.push(question), "What did Israel say about Russia's position?"));
    await pipeline.ask("and what did Israel say?", { history: [firstTurn] });
    expect(seen).toEqual(["and what did Israel say?"]);
    expect(retrieved).toEqual(["What did Israel say about Russia's position?"]);
  });

  it("reads [n] as the earlier answer's citation, quoted exactly, even with a chat model", async () => {
    const { pipeline, retrieved } = pipelineRecording(async () => "the model's guess");
    await pipeline.ask("tell me more about [1]", { history: [firstTurn] });
    expect(retrieved[0]).toContain(`"${citation.quote}" (Moscow talks)`);
  });

  it("leaves a question without history as it is, with no standalone field", async () => {
    const { pipeline, retrieved } = pipelineRecording();
    const result = await pipeline.ask("Who won the cup?");
    expect(retrieved).toEqual(["Who won the cup?"]);
    expect(result.standalone).toBeUndefined();
  });
});
