// The real ChatOpenAI client against the loopback OpenAI-compatible fake, replaying dishonest model answers
// from test/fixtures/model-answers.jsonl over real passages of the starting corpus: what the user gets back
// carries no invented clause and no foreign link.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLlmAnswerer } from "../src/providers/create-llm-answerer.js";
import { loadConfig } from "../src/base/config.js";
import { MODEL_ANSWERS, rankedFor, SOURCE } from "./support/model-answers.js";
import { createChatModel } from "../src/providers/chat-model.js";
import { startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai.js";
import { FALLBACK_TEXT, recordingFallback } from "./support/llm-fixtures.js";
import { captureLog } from "./support/capture-log.js";

const answers = new Map(MODEL_ANSWERS.map((a) => [a.id, a]));

let fake: FakeOpenAI;
let replay = "";

beforeAll(async () => {
  fake = await startFakeOpenAI({ reply: () => replay });
});
afterAll(async () => {
  await fake.close();
});

async function ask(id: string, stream: boolean) {
  const answer = answers.get(id);
  if (!answer) throw new Error(`no answer ${id} in the fixture`);
  replay = answer.answer;
  const handle = await createChatModel(loadConfig({ LLM_PROVIDER: "openai", OPENAI_BASE_URL: fake.baseURL, LLM_MODEL: "fake-gpt" }));
  if (!handle) throw new Error("expected a chat model");
  const answerer = createLlmAnswerer({
    chat: handle.chat,
    modelName: handle.modelName,
    fallback: recordingFallback(),
    timeoutMs: 5_000,
    log: captureLog().log,
  });
  const tokens: string[] = [];
  const result = await answerer(answer.question, rankedFor(answer), stream ? { onToken: (t) => tokens.push(t) } : undefined);
  return { answer, result, tokens };
}

describe("dishonest model answers replayed through ChatOpenAI", () => {
  it("GIVEN an honest answer mixed with an uncited phishing link (streamed) THEN the reply keeps the claim and drops the link", async () => {
    const { answer, result, tokens } = await ask("d35", true);
    expect(tokens.join("")).toBe(answer.answer);
    expect(result).toMatchObject({ model: "openai:fake-gpt", fallback: null, abstained: false });
    expect(result.text).toBe("Mikhail Kamynin said Russia would adhere to the approach agreed upon in London [1].");
    expect(result.text).not.toContain("discord-nitro");
    expect(result.citations[0]).toMatchObject({ source: SOURCE, quote: expect.stringContaining("Mikhail Kamynin") });
  });

  it.each([
    ["d01", "an invented clause"],
    ["d14", "a flipped negation"],
    ["d29", "names of two stories"],
    ["d40", "a wrong article's link"],
  ])("GIVEN %s (%s) as the whole answer THEN none of it reaches the reply", async (id) => {
    const { answer, result } = await ask(id, false);
    expect(result.text.toLowerCase()).not.toContain((answer.invented as string).toLowerCase());
    expect(result).toMatchObject({ text: FALLBACK_TEXT, model: null });
  });

  it("GIVEN an abstention that carries a claim THEN the reply is the plain abstention", async () => {
    const { answer, result } = await ask("d43", false);
    expect(result).toMatchObject({ abstained: true, citations: [], model: "openai:fake-gpt" });
    expect(result.text).not.toContain(answer.invented);
  });
});
