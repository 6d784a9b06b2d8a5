// The real OpenAIEmbeddings (via createOpenAIEmbeddings) against the loopback fake.
import { OpenAIEmbeddings } from "@langchain/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/base/config.js";
import { createOpenAIEmbeddings } from "../src/providers/openai-embeddings.js";
import { fakeEmbedding, startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai.js";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI({ dimensions: 32 });
});
afterAll(async () => {
  await fake.close();
});

function embedderWithBatch(batchSize: number) {
  return createOpenAIEmbeddings(
    loadConfig({
      EMBEDDINGS_PROVIDER: "openai",
      OPENAI_BASE_URL: fake.baseURL,
      EMBEDDINGS_BATCH_SIZE: String(batchSize),
      EMBEDDINGS_MODEL: "fake-embed",
    }),
  );
}

describe("createOpenAIEmbeddings", () => {
  it("GIVEN 5 texts and EMBEDDINGS_BATCH_SIZE=2 THEN sends 3 requests and returns one vector per text in order", async () => {
    fake.requests.length = 0;
    const texts = ["storm in Glasgow", "strike in Rotterdam", "bank raises rates", "new library in Leeds", "markets calm"];
    const vectors = await embedderWithBatch(2).embedDocuments(texts);
    const requests = fake.embeddingRequests();
    expect(requests.map((r) => r.input)).toEqual([texts.slice(0, 2), texts.slice(2, 4), texts.slice(4)]);
    expect(requests.every((r) => r.model === "fake-embed" && r.encoding_format === "float")).toBe(true);
    expect(vectors).toHaveLength(5);
    vectors.forEach((vector, i) => expect(vector).toEqual(fakeEmbedding(texts[i], 32)));
  });

  it("GIVEN the same text as document and as query THEN the vectors are identical", async () => {
    const embedder = embedderWithBatch(256);
    const [document] = await embedder.embedDocuments(["interest rates rise"]);
    const query = await embedder.embedQuery("interest rates rise");
    expect(query).toEqual(document);
    expect(query).not.toEqual(await embedder.embedQuery("dock workers strike"));
  });
});

describe("fake OpenAI embeddings", () => {
  it("GIVEN a client left at the OpenAI SDK's base64 default THEN it decodes the same vectors", async () => {
    fake.requests.length = 0;
    const embedder = new OpenAIEmbeddings({ model: "m", apiKey: "test", configuration: { baseURL: fake.baseURL } });
    const vector = await embedder.embedQuery("hello world");
    expect(fake.embeddingRequests()[0].encoding_format).toBe("base64");
    const expected = fakeEmbedding("hello world", 32);
    expect(vector).toHaveLength(32);
    vector.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });
});
