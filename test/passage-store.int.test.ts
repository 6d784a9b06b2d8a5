// The passage file of an index generation, written and read back through the real file system.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredOccurrence } from "../src/index/manifest.js";
import { openPassageStore, PassageStoreError, writePassageStore, type StoredPassage } from "../src/index/passage-store.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "newsdesk-passages-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function occurrence(id: string, source: string, first: number, extra: Partial<StoredOccurrence> = {}): StoredOccurrence {
  return {
    id,
    source,
    title: `Title of ${source}`,
    lines: [first, first + 1],
    lineMap: [
      [first, first],
      [first + 1, first + 1],
    ],
    ...extra,
  };
}

const PASSAGES: StoredPassage[] = [
  {
    label: 3,
    text: "Kamynin said Russia would adhere.\nHe spoke in Moscow — «quoted».",
    occurrences: [occurrence("p-3", "moscow.txt", 4, { url: "https://example.org/m", date: "2006-03-10" })],
  },
  // Deleted labels (1, 2) leave gaps; label 0 occurs in two files.
  {
    label: 0,
    text: "The same wire story.\nTwice.",
    occurrences: [occurrence("p-0a", "wire/a.txt", 1), occurrence("p-0b", "wire/b.txt", 7, { date: "2006-03-11" })],
  },
  {
    label: 4,
    text: "Another passage of Moscow.",
    occurrences: [occurrence("p-4", "moscow.txt", 9, { url: "https://example.org/m", date: "2006-03-10" })],
  },
];

async function written(name: string): Promise<string> {
  const file = path.join(root, name);
  await writePassageStore(file, PASSAGES);
  return file;
}

describe("passage store", () => {
  it("GIVEN passages with gaps and duplicates THEN each reads back verbatim, with its places and its duplicates", async () => {
    const ids = PASSAGES.flatMap((p) => p.occurrences.map((o) => [o.id, p.label] as [string, number]));
    const store = await openPassageStore(await written("round-trip.bin"), () => ids);
    expect(store.size).toBe(3);
    expect(store.labels).toEqual([0, 3, 4]);
    expect([store.has(1), store.has(2), store.has(5), store.has(-1)]).toEqual([false, false, false, false]);
    const moscow = store.passage(3);
    expect(moscow).toEqual({ ...PASSAGES[0].occurrences[0], text: PASSAGES[0].text });
    expect(store.occurrences(0)).toEqual(PASSAGES[1].occurrences);
    expect(store.passage(0).duplicates).toEqual([
      { source: "wire/b.txt", title: "Title of wire/b.txt", url: undefined, date: "2006-03-11", lines: [7, 8] },
    ]);
    expect(store.articlesOf(0).map((a) => a.source)).toEqual(["wire/a.txt", "wire/b.txt"]);
    expect(store.articlesOf(2)).toEqual([]);
    // Two passages of one article share one article entry.
    expect(store.articles.filter((a) => a.source === "moscow.txt")).toHaveLength(1);
    expect(store.passageById("p-0b")).toMatchObject({ id: "p-0b", source: "wire/b.txt", lines: [7, 8], text: PASSAGES[1].text });
    expect(store.passageById("nope")).toBeUndefined();
    expect(() => store.passage(1)).toThrow(PassageStoreError);
    await store.close();
    expect(() => store.passage(4)).toThrow(/closed/);
  });

  it("GIVEN no passages THEN the store opens empty", async () => {
    const file = path.join(root, "empty.bin");
    await writePassageStore(file, []);
    const store = await openPassageStore(file, () => []);
    expect([store.size, store.labels.length, store.articles.length]).toEqual([0, 0, 0]);
    await store.close();
  });

  it("GIVEN a truncated file or one of another kind THEN opening throws a PassageStoreError", async () => {
    const file = await written("damaged.bin");
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 10));
    await expect(openPassageStore(file, () => [])).rejects.toThrow(PassageStoreError);
    await writeFile(file, Buffer.concat([Buffer.from("JUNK"), bytes.subarray(4)]));
    await expect(openPassageStore(file, () => [])).rejects.toThrow(PassageStoreError);
  });

  it("GIVEN a record changed on disk THEN reading that passage throws a PassageStoreError, not a parse error", async () => {
    const file = await written("changed.bin");
    const bytes = Buffer.from(await readFile(file));
    const at = bytes.lastIndexOf(Buffer.from('"text"'));
    bytes.write("{", at);
    await writeFile(file, bytes);
    const store = await openPassageStore(file, () => []);
    expect(() => store.passage(4)).toThrow(PassageStoreError);
    await store.close();
  });
});
