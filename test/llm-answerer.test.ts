import { ABSTENTION_TEXT } from "../src/core/answer/abstention.js";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { describe, expect, it } from "vitest";
import { createLlmAnswerer, FALLBACK_REASONS } from "../src/providers/create-llm-answerer.js";
import { FALLBACK_TEXT, HARBOUR, RATES, STORM, rank, recordingFallback } from "./support/llm-fixtures.js";
import { captureLog } from "./support/capture-log.js";

class FailingChatModel extends FakeListChatModel {
  constructor(private readonly failure: Error) {
    super({ responses: ["unused"] });
  }
  override async _generate(): Promise<never> {
    throw this.failure;
  }
}

function answererWith(chat: FakeListChatModel, timeoutMs = 2_000) {
  const fallback = recordingFallback();
  const { log, lines } = captureLog();
  const answer = createLlmAnswerer({ chat, modelName: "openai:fake", fallback, timeoutMs, log });
  return { answer, fallback, lines };
}

describe("createLlmAnswerer", () => {
  it("GIVEN a supported answer THEN returns it with verified citations, the model name and no fallback", async () => {
    const chat = new FakeListChatModel({ responses: ["Dock workers in Rotterdam went on strike over pay [2]."] });
    const { answer, fallback } = answererWith(chat);
    const result = await answer("Who went on strike?", rank(RATES, HARBOUR));
    expect(result).toMatchObject({
      text: "Dock workers in Rotterdam went on strike over pay [1].",
      abstained: false,
      model: "openai:fake",
      fallback: null,
    });
    expect(result.citations.map((c) => c.passageId)).toEqual(["harbour"]);
    expect(fallback.calls).toHaveLength(0);
  });

  it("GIVEN an abstention carrying a claim or a link THEN only the plain abstention reaches the reader", async () => {
    for (const reply of [
      "The articles don't say who won the match, but Kamynin resigned.",
      "The articles don't say who won; see https://evil.example/login for the result.",
      "The articles don't say who won, though 71 percent voted.",
    ]) {
      const { answer } = answererWith(new FakeListChatModel({ responses: [reply] }));
      const result = await answer("Who won the match?", rank(RATES, STORM));
      expect(result).toMatchObject({ abstained: true, citations: [], text: ABSTENTION_TEXT });
    }
  });

  it("GIVEN the model says the articles don't answer THEN abstains with the ranked passages as nearest", async () => {
    const chat = new FakeListChatModel({ responses: ["The articles don't say who won the match."] });
    const { answer, fallback } = answererWith(chat);
    const ranked = rank(RATES, STORM);
    const result = await answer("Who won the match?", ranked);
    expect(result).toMatchObject({
      abstained: true,
      citations: [],
      text: "The articles don't say who won the match.",
      model: "openai:fake",
      fallback: null,
    });
    expect(result.nearest).toEqual(ranked);
    expect(fallback.calls).toHaveLength(0);
  });

  it("GIVEN no claim that holds THEN answers with the fallback and says why", async () => {
    const chat = new FakeListChatModel({ responses: ["The prime minister resigned on Monday [1]."] });
    const { answer, fallback, lines } = answererWith(chat);
    const result = await answer("What happened?", rank(RATES));
    expect(result).toMatchObject({ text: FALLBACK_TEXT, model: null, fallback: FALLBACK_REASONS.unsupported });
    expect(fallback.calls).toEqual([{ question: "What happened?", ranked: rank(RATES) }]);
    expect(lines().some((l) => l.level === 40 && l.model === "openai:fake")).toBe(true);
  });

  it("GIVEN the model throws a 429 THEN falls back as rate limited and logs the error without throwing", async () => {
    const error = Object.assign(new Error("429 Too Many Requests"), { status: 429 });
    const { answer, lines } = answererWith(new FailingChatModel(error));
    const result = await answer("What happened?", rank(RATES));
    expect(result).toMatchObject({ text: FALLBACK_TEXT, fallback: FALLBACK_REASONS.rateLimited, model: null });
    expect(lines()).toContainEqual(
      expect.objectContaining({ reason: FALLBACK_REASONS.rateLimited, error: expect.objectContaining({ status: 429 }) }),
    );
  });

  it("GIVEN a model slower than the budget THEN falls back as timed out", async () => {
    const chat = new FakeListChatModel({ responses: ["The central bank raised its rate [1]."], sleep: 5_000 });
    const { answer } = answererWith(chat, 150);
    const result = await answer("What did the bank do?", rank(RATES));
    expect(result.fallback).toBe(FALLBACK_REASONS.timeout);
  });

  it("GIVEN onToken THEN streams the model's tokens and still returns the verified answer", async () => {
    const reply = "The central bank raised its main interest rate to 4.5 percent [1].";
    const { answer } = answererWith(new FakeListChatModel({ responses: [reply] }));
    const tokens: string[] = [];
    const result = await answer("What did the bank do?", rank(RATES), { onToken: (t) => tokens.push(t) });
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join("")).toBe(reply);
    expect(result.text).toBe(reply);
  });

  it("GIVEN no passages THEN lets the fallback answer without calling the model", async () => {
    const { answer, fallback } = answererWith(new FailingChatModel(new Error("must not be called")));
    const result = await answer("Anything?", []);
    expect(result).toMatchObject({ text: FALLBACK_TEXT, model: null, fallback: null });
    expect(fallback.calls).toHaveLength(1);
  });
});
