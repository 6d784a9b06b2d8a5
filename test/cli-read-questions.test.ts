import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readQuestions, type CliIo } from "../src/cli/cli-io.js";

async function questionsFrom(chunks: Buffer[]): Promise<string[]> {
  const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, stdin: Readable.from(chunks), env: {} };
  const out: string[] = [];
  for await (const question of readQuestions(io, [])) out.push(question);
  return out;
}

describe("batch questions from stdin", () => {
  it("GIVEN a character split across two chunks THEN it arrives whole", async () => {
    const bytes = Buffer.from("What did José Nuñez say?\nWho won?\n");
    const cut = bytes.indexOf(Buffer.from("é")) + 1; // inside the two bytes of "é"
    expect(await questionsFrom([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(["What did José Nuñez say?", "Who won?"]);
  });

  it("GIVEN blank lines THEN each is yielded, so answer n stays on line n", async () => {
    expect(await questionsFrom([Buffer.from("First?\n\n   \nFourth?\n")])).toEqual(["First?", "", "", "Fourth?"]);
  });
});
