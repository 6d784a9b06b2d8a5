import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Article, Skipped } from "../src/core/types.js";
import { CorpusFolderError, listCorpusFiles, MAX_ARTICLE_FILE_BYTES, parseCorpusFile, readCorpusFile, type CorpusFile } from "../src/corpus/index.js";
import { createConfiguredCorpusReader } from "../src/corpus/corpus-reader.js";
import { LINK_OUTSIDE_REASON } from "../src/corpus/list-corpus-files.js";

// A corpus folder full of the files a long-running bot meets, generated here. Every bad one must be skipped
// or handled with a reason, and every good one read.

const HUGE_BYTES = 50 * 1024 * 1024;
const PLAIN = "Harbour reopens\n\nThe harbour reopened on Monday.\n";
const canMakeFifo = process.platform !== "win32";

let dir: string;

/** What an index build does with a folder: list, read, parse, and collect every skip. */
async function loadCorpus(folder: string): Promise<{ articles: Article[]; skipped: Skipped[] }> {
  const listed = await listCorpusFiles(folder);
  const articles: Article[] = [];
  const skipped = [...listed.skipped];
  for (const file of listed.files) {
    const read = await readCorpusFile(file);
    if ("skipped" in read) {
      skipped.push(read.skipped);
      continue;
    }
    const parsed = parseCorpusFile(file.source, read.bytes);
    articles.push(...parsed.articles);
    skipped.push(...parsed.skipped);
  }
  return { articles, skipped };
}

const reasonFor = (skipped: Skipped[], source: string) => skipped.filter((s) => s.source === source).map((s) => s.reason);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "newsdesk-corpus-"));
  const put = async (relative: string, content: string | Uint8Array) => {
    await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
    await writeFile(path.join(dir, relative), content);
  };
  // Good files, one per format.
  await put("good/plain.txt", PLAIN);
  await put("good/front.md", '---\ntitle: "Budget passes"\ndate: 2024-01-02\n---\n\nThe budget passed.\n');
  await put("good/page.html", "<html><head><title>Page</title><script>track()</script></head><body><nav>Menu</nav><p>Page text.</p></body></html>");
  await put(
    "good/feed.jsonl",
    `${JSON.stringify({ title: "Feed one", text: "Feed text one." })}\n{broken\n${JSON.stringify({ title: "Feed two", text: "Feed text two." })}\n`,
  );
  await put("good/list.json", JSON.stringify([{ title: "List one", text: "List text." }], null, 2));
  await put("nested/deeper/still.txt", "Deep story\n\nFound by walking folders.\n");
  await put("x.md/inside.txt", "Folder named like an article\n\nIts file is read.\n");
  await put(
    "latin1.txt",
    Uint8Array.from([...Buffer.from("Caf"), 0xe9, ...Buffer.from(" prices rise\n\nThe caf"), 0xe9, ...Buffer.from(" raised prices.\n")]),
  );
  // Bad files.
  await put("bad/empty.txt", "");
  await put("bad/blank.md", " \n\t\n");
  await put("bad/binary.txt", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
  await put("bad/unknown-encoding.txt", Uint8Array.from([0xd6, 0xd0, 0xce, 0xc4, 0xd0, 0xc2, 0xce, 0xc5]));
  await put("bad/malformed.json", '{"title": "Never closed", "text": "abc');
  await put("bad/scripts-only.html", "<html><body><script>document.write('<p>fake</p>')</script><style>p{}</style></body></html>");
  await put("bad/huge.md", Buffer.alloc(HUGE_BYTES, "All work and no play. "));
  await put("bad/report.pdf", "%PDF-1.4");
  await put("bad/README", "no extension");
  await put(".hidden.txt", "Hidden\n\nNot read.");
  await put(".git/config", "[core]");
  await put("vanishing.txt", "Soon gone\n\nThis file is deleted after listing.");
  await symlink(".", path.join(dir, "loop"), "dir");
  await symlink("../../nested", path.join(dir, "nested/deeper/back"), "dir");
  await symlink("self.txt", path.join(dir, "self.txt"));
  await symlink("missing.txt", path.join(dir, "dangling.txt"));
  if (canMakeFifo) execFileSync("mkfifo", [path.join(dir, "bad/pipe.txt")]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("listing a corpus folder", () => {
  it("GIVEN nested folders THEN supported files are listed with forward-slash sources, sorted", async () => {
    const { files } = await listCorpusFiles(dir);
    const sources = files.map((f) => f.source);
    expect(sources).toEqual([...sources].sort());
    expect(sources).toEqual(expect.arrayContaining(["good/plain.txt", "nested/deeper/still.txt", "x.md/inside.txt"]));
    const plain = files.find((f) => f.source === "good/plain.txt")!;
    expect(plain).toMatchObject({ path: path.join(dir, "good/plain.txt"), size: Buffer.byteLength(PLAIN) });
  });

  it("GIVEN hidden files and folders THEN they are reported and not entered", async () => {
    const { files, skipped } = await listCorpusFiles(dir);
    expect(reasonFor(skipped, ".hidden.txt")).toEqual(["hidden file"]);
    expect(reasonFor(skipped, ".git")).toEqual(["hidden folder"]);
    expect(files.some((f) => f.source.startsWith(".git/"))).toBe(false);
  });

  it("GIVEN unsupported extensions or none THEN they are reported with the extension", async () => {
    const { skipped } = await listCorpusFiles(dir);
    expect(reasonFor(skipped, "bad/report.pdf")).toEqual(["unsupported extension .pdf"]);
    expect(reasonFor(skipped, "bad/README")[0]).toMatch(/^no file extension \(supported: \.txt/);
  });

  it("GIVEN symbolic link loops THEN each is reported once and the walk ends", async () => {
    const { files, skipped } = await listCorpusFiles(dir);
    expect(reasonFor(skipped, "loop")).toEqual(["symbolic link loop: points back to the corpus folder"]);
    expect(reasonFor(skipped, "nested/deeper/back")).toEqual(["symbolic link loop: points back to nested"]);
    expect(reasonFor(skipped, "self.txt")).toEqual(["symbolic link loop"]);
    expect(files.some((f) => f.source.includes("loop/") || f.source.includes("back/"))).toBe(false);
  });

  it("GIVEN a broken symbolic link THEN it is reported", async () => {
    const { skipped } = await listCorpusFiles(dir);
    expect(reasonFor(skipped, "dangling.txt")).toEqual(["broken symbolic link"]);
  });

  it.skipIf(!canMakeFifo)("GIVEN a named pipe with an article's extension THEN it is reported, never opened", async () => {
    const { files, skipped } = await listCorpusFiles(dir);
    expect(files.some((f) => f.source === "bad/pipe.txt")).toBe(false);
    expect(reasonFor(skipped, "bad/pipe.txt")).toEqual(["not a regular file (a socket, pipe or device)"]);
  });

  it("GIVEN a corpus folder that does not exist THEN a CorpusFolderError names it", async () => {
    await expect(listCorpusFiles(path.join(dir, "nope"))).rejects.toThrow(CorpusFolderError);
    await expect(listCorpusFiles(path.join(dir, "nope"))).rejects.toThrow(/nope.*CORPUS_DIR/);
  });

  it("GIVEN links outside the corpus THEN they are skipped and reported unless CORPUS_FOLLOW_LINKS_OUTSIDE allows them", async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), "newsdesk-outside-"));
    const corpus = await mkdtemp(path.join(os.tmpdir(), "newsdesk-linked-"));
    try {
      await writeFile(path.join(outside, "wire.txt"), "Wire story\n\nFrom the shared drive.\n");
      await symlink(outside, path.join(corpus, "shared"), "dir");
      await symlink(outside, path.join(corpus, "shared-again"), "dir");
      await symlink(path.join(outside, "wire.txt"), path.join(corpus, "wire.txt"));
      const refused = await listCorpusFiles(corpus);
      expect(refused.files).toEqual([]);
      expect(refused.skipped).toEqual(["shared", "shared-again", "wire.txt"].map((source) => ({ source, reason: LINK_OUTSIDE_REASON })));
      const allowed = await listCorpusFiles(corpus, { followLinksOutside: true });
      expect(allowed.files.map((f) => f.source)).toEqual(["shared/wire.txt", "wire.txt"]);
      expect(allowed.skipped).toEqual([{ source: "shared-again", reason: "same folder as shared, already read" }]);
    } finally {
      await rm(outside, { recursive: true, force: true });
      await rm(corpus, { recursive: true, force: true });
    }
  });

  it("GIVEN a link to a file inside the corpus THEN it is read with the default settings", async () => {
    const corpus = await mkdtemp(path.join(os.tmpdir(), "newsdesk-inner-link-"));
    try {
      await mkdir(path.join(corpus, "wires"));
      await writeFile(path.join(corpus, "wires", "wire.txt"), "Wire story\n\nFrom inside.\n");
      await symlink(path.join(corpus, "wires", "wire.txt"), path.join(corpus, "latest.txt"));
      const { files, skipped } = await listCorpusFiles(corpus);
      expect(files.map((f) => f.source)).toEqual(["latest.txt", "wires/wire.txt"]);
      expect(skipped).toEqual([]);
    } finally {
      await rm(corpus, { recursive: true, force: true });
    }
  });
});

describe("links to secrets, and the index inside the corpus", () => {
  it("GIVEN links to a hidden file or into a hidden folder outside the corpus (notes.txt -> ~/.env) THEN neither is read", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "newsdesk-home-"));
    const corpus = path.join(home, ".config", "newsdesk", "corpus"); // a corpus under a hidden folder still reads
    try {
      await mkdir(path.join(home, ".ssh"), { recursive: true });
      await mkdir(corpus, { recursive: true });
      await writeFile(path.join(home, ".env"), "OPENAI_API_KEY=sk-secret\n");
      await writeFile(path.join(home, ".ssh", "id_rsa.txt"), "PRIVATE KEY\n");
      await writeFile(path.join(corpus, "story.txt"), "A story\n\nThat is read.\n");
      await symlink(path.join(home, ".env"), path.join(corpus, "notes.txt"));
      await symlink(path.join(home, ".ssh", "id_rsa.txt"), path.join(corpus, "key.txt"));
      const { files, skipped } = await listCorpusFiles(corpus);
      expect(files.map((f) => f.source)).toEqual(["story.txt"]);
      expect(skipped).toEqual([
        { source: "key.txt", reason: "symbolic link to a hidden file or folder" },
        { source: "notes.txt", reason: "symbolic link to a hidden file or folder" },
      ]);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it("GIVEN INDEX_DIR and DATA_DIR inside CORPUS_DIR THEN neither is read as articles", async () => {
    const corpus = await mkdtemp(path.join(os.tmpdir(), "newsdesk-inner-index-"));
    try {
      await writeFile(path.join(corpus, "story.txt"), "A story\n\nThat is read.\n");
      await mkdir(path.join(corpus, "data", "index", "gen-1"), { recursive: true });
      await writeFile(path.join(corpus, "data", "index", "gen-1", "manifest.json"), '{"text": "not an article"}');
      await writeFile(path.join(corpus, "data", "feedback.jsonl"), '{"text": "a member\'s feedback"}\n');
      const reader = createConfiguredCorpusReader({
        DATA_DIR: path.join(corpus, "data"),
        INDEX_DIR: path.join(corpus, "data", "index"),
        CORPUS_FOLLOW_LINKS_OUTSIDE: false,
      });
      const { files, skipped } = await reader.listFiles(corpus);
      expect(files.map((f) => f.source)).toEqual(["story.txt"]);
      expect(skipped).toEqual([{ source: "data", reason: "Newsdesk's own folder (INDEX_DIR or DATA_DIR)" }]);
      const indexOnly = await listCorpusFiles(corpus, { skipFolders: [path.join(corpus, "data", "index")] });
      expect(indexOnly.files.map((f) => f.source)).toEqual(["data/feedback.jsonl", "story.txt"]);
    } finally {
      await rm(corpus, { recursive: true, force: true });
    }
  });
});

describe("reading files", () => {
  it("GIVEN a 50 MB article THEN it is skipped as too large, without reading it", async () => {
    const { files } = await listCorpusFiles(dir);
    const huge = files.find((f) => f.source === "bad/huge.md")!;
    const read = await readCorpusFile(huge);
    expect(read).toEqual({
      skipped: { source: "bad/huge.md", reason: "too large to index as one file (50.0 MB; the limit is 20.0 MB)" },
      lasting: true,
    });
    expect(HUGE_BYTES).toBeGreaterThan(MAX_ARTICLE_FILE_BYTES);
  });

  it("GIVEN a file that grew past the limit after listing THEN it is skipped as too large", async () => {
    const { files } = await listCorpusFiles(dir);
    const plain = files.find((f) => f.source === "good/plain.txt")!;
    const read = await readCorpusFile(plain, { maxBytes: 10 });
    expect(read).toEqual({ skipped: { source: "good/plain.txt", reason: expect.stringMatching(/^too large/) }, lasting: true });
  });

  it("GIVEN a file that vanishes between listing and reading THEN it is skipped with a reason", async () => {
    const { files } = await listCorpusFiles(dir);
    const vanishing = files.find((f) => f.source === "vanishing.txt")!;
    await unlink(vanishing.path);
    expect(await readCorpusFile(vanishing)).toEqual({ skipped: { source: "vanishing.txt", reason: "the file vanished before it could be read" } });
  });

  it("GIVEN a file that changes between listing and reading THEN the new bytes come with their own size and time", async () => {
    const file = path.join(dir, "changing.txt");
    await writeFile(file, "Old\n\nold text");
    const listed: CorpusFile = (await listCorpusFiles(dir)).files.find((f) => f.source === "changing.txt")!;
    await writeFile(file, "New headline\n\nA longer, newer text.");
    const read = await readCorpusFile(listed);
    if ("skipped" in read) throw new Error(read.skipped.reason);
    expect(Buffer.from(read.bytes).toString()).toBe("New headline\n\nA longer, newer text.");
    expect(read.size).toBe(read.bytes.length);
    expect(read.size).not.toBe(listed.size);
    await unlink(file);
  });
});

describe("loading a corpus with bad files", () => {
  it("GIVEN every kind of bad file THEN each is skipped with a reason and every good file is read", async () => {
    const { articles, skipped } = await loadCorpus(dir);
    expect(articles.map((a) => a.title).sort()).toEqual(
      [
        "Budget passes",
        "Café prices rise",
        "Deep story",
        "Feed one",
        "Feed two",
        "Folder named like an article",
        "Harbour reopens",
        "List one",
        "Page",
      ].sort(),
    );
    expect(reasonFor(skipped, "bad/empty.txt")).toEqual(["empty file"]);
    expect(reasonFor(skipped, "bad/blank.md")).toEqual(["empty file (only whitespace)"]);
    expect(reasonFor(skipped, "bad/binary.txt")).toEqual(["binary file (contains NUL bytes)"]);
    expect(reasonFor(skipped, "bad/unknown-encoding.txt")[0]).toMatch(/not valid UTF-8/);
    expect(reasonFor(skipped, "bad/malformed.json")).toEqual(["record at line 1: malformed JSON (never closes)"]);
    expect(reasonFor(skipped, "bad/scripts-only.html")).toEqual(["no article text found in the HTML"]);
    expect(reasonFor(skipped, "bad/huge.md")[0]).toMatch(/^too large/);
    expect(reasonFor(skipped, "good/feed.jsonl")).toEqual(["line 2: malformed JSON record"]);
    expect(skipped.every((s) => s.reason.length > 0 && !/\n\s+at /.test(s.reason))).toBe(true);
  });

  it("GIVEN a Latin-1 file THEN its accented letters are read correctly", async () => {
    const { articles } = await loadCorpus(dir);
    expect(articles.find((a) => a.source === "latin1.txt")?.body).toBe("The café raised prices.");
  });

  it("GIVEN HTML with scripts THEN no script text reaches an article", async () => {
    const { articles } = await loadCorpus(dir);
    expect(articles.find((a) => a.source === "good/page.html")?.body).toBe("Page text.");
    expect(articles.some((a) => a.body.includes("fake") || a.body.includes("track()"))).toBe(false);
  });
});
