import type { APIEmbed } from "discord.js";
import { describe, expect, it } from "vitest";
import type { SearchResult } from "../src/core/ports.js";
import type { Answer, Citation, Passage } from "../src/core/types.js";
import { createAnswerButtons, parseAnswerButtonId } from "../src/discord/answer-buttons.js";
import { DISCORD_LIMITS, findLimitViolations, type RenderedMessage } from "../src/discord/discord-limits.js";
import { ABSTAIN_NOTICE, ANSWER_TEXT_MAX, MORE_SOURCES, NEAREST_SECTION, renderAnswer } from "../src/discord/render-answer.js";
import { PASSAGE_SHOWN_MAX, renderPassages } from "../src/discord/render-passages.js";
import { renderSearchResults } from "../src/discord/render-search-results.js";
import { parseSourcesButtonId, renderSourcesPage, SOURCES_PAGE_SIZE } from "../src/discord/render-sources-page.js";
import { FIXTURE_PASSAGES } from "./support/discord-fake-pipeline.js";

const sentence = (i: number) => `Sentence ${i} reports something that an article said about the talks in Moscow.`;
const longText = (sentences: number) => Array.from({ length: sentences }, (_, i) => sentence(i)).join(" ");

function citation(n: number, quote: string, extra: Partial<Citation> = {}): Citation {
  return {
    n,
    source: `feeds/source-${n}.txt`,
    title: `Article ${n}`,
    date: "2006-02-10",
    url: `https://news.example/${n}`,
    lines: [n, n + 2],
    quote,
    score: 1 / n,
    passageId: `p${n}`,
    ...extra,
  };
}

function answer(text: string, citations: Citation[], extra: Partial<Answer> = {}): Answer {
  return { question: "What did Russia say about Hamas?", text, abstained: false, citations, nearest: [], ...extra };
}

const allEmbeds = (messages: RenderedMessage[]) => messages.flatMap((m) => m.embeds);
const allFields = (messages: RenderedMessage[]) => allEmbeds(messages).flatMap((e: APIEmbed) => e.fields ?? []);
const descriptions = (messages: RenderedMessage[]) =>
  allEmbeds(messages)
    .map((e) => e.description ?? "")
    .join(" ");

function expectAllSendable(messages: RenderedMessage[]) {
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) expect(findLimitViolations(message)).toEqual([]);
}

describe("findLimitViolations", () => {
  const L = DISCORD_LIMITS;
  const ok: RenderedMessage = { content: "fine", embeds: [{ title: "t", description: "d", fields: [{ name: "n", value: "v" }] }] };
  it("GIVEN a message within every limit THEN reports nothing", () => {
    expect(findLimitViolations(ok)).toEqual([]);
  });
  it.each<[string, RenderedMessage]>([
    ["content", { content: "x".repeat(L.content + 1), embeds: [] }],
    ["embed count", { embeds: Array.from({ length: L.embeds + 1 }, () => ({ description: "d" })) }],
    ["title", { embeds: [{ title: "x".repeat(L.embedTitle + 1) }] }],
    ["description", { embeds: [{ description: "x".repeat(L.embedDescription + 1) }] }],
    ["field count", { embeds: [{ fields: Array.from({ length: L.fields + 1 }, () => ({ name: "n", value: "v" })) }] }],
    ["field name", { embeds: [{ fields: [{ name: "x".repeat(L.fieldName + 1), value: "v" }] }] }],
    ["field value", { embeds: [{ fields: [{ name: "n", value: "x".repeat(L.fieldValue + 1) }] }] }],
    ["total", { embeds: [{ description: "x".repeat(4000) }, { description: "x".repeat(2001) }] }],
    ["footer", { embeds: [{ description: "d", footer: { text: "x".repeat(L.footerText + 1) } }] }],
    [
      "rows",
      {
        embeds: [{ description: "d" }],
        components: Array.from({ length: 6 }, () => createAnswerButtons("id", { followUp: true, passages: true })[0]!),
      },
    ],
    ["empty", { content: "", embeds: [] }],
  ])("GIVEN a message over the %s limit THEN reports it", (_, message) => {
    expect(findLimitViolations(message)).not.toEqual([]);
  });
});

describe("renderAnswer", () => {
  it("GIVEN a short cited answer THEN one message: the text with its markers, then each source with title link, source:lines, date and quote", () => {
    const quote = `${FIXTURE_PASSAGES[3]!.text.split(". ")[0]!}.`;
    const messages = renderAnswer(
      answer(`${quote} [1]`, [citation(1, quote, { source: "000_c0af5a29d12023ff.txt", lines: [12, 12], title: "Putin and Hamas" })]),
    );
    expectAllSendable(messages);
    expect(messages).toHaveLength(1);
    const [embed] = messages[0]!.embeds;
    expect(embed!.title).toBe("What did Russia say about Hamas?");
    expect(embed!.description).toContain("Russian Foreign Ministry");
    expect(embed!.description).toContain("[1]");
    const [field] = embed!.fields!;
    expect(field!.name).toBe("[1] Putin and Hamas");
    expect(field!.value).toContain("`000_c0af5a29d12023ff.txt:12`");
    expect(field!.value).toContain("2006-02-10");
    expect(field!.value).toContain("(https://news.example/1)");
    expect(field!.value).toContain(`> ${quote}`);
  });

  it("GIVEN an enormous answer (20,000 characters, 40 citations with long quotes and titles) THEN one message: the text cut at a sentence, the sources that fit, the rest named", () => {
    const citations = Array.from({ length: 40 }, (_, i) => citation(i + 1, longText(40), { title: `A very long title ${"x".repeat(400)}` }));
    const text = Array.from({ length: 240 }, (_, i) => `${sentence(i)} [${(i % 40) + 1}]`).join(" ");
    const messages = renderAnswer(answer(text, citations));
    expectAllSendable(messages);
    expect(messages).toHaveLength(1);
    const [embed] = messages[0]!.embeds;
    expect(embed!.description!.length).toBeLessThanOrEqual(ANSWER_TEXT_MAX);
    expect(embed!.description!.endsWith("…")).toBe(true);
    // What is shown keeps each marker right after the words of its own sentence.
    const shownSentences = embed!.description!.slice(0, -1).split(/(?<=\]) /);
    shownSentences.forEach((s, i) => expect(s).toBe(`${sentence(i)} [${(i % 40) + 1}]`));
    const names = allFields(messages).map((f) => f.name);
    const shownSources = names.filter((n) => n.startsWith("["));
    expect(shownSources.length).toBeGreaterThan(0);
    expect(shownSources.map((n) => Number(/^\[(\d+)\]/.exec(n)?.[1]))).toEqual(citations.slice(0, shownSources.length).map((c) => c.n));
    expect(names.at(-1)).toBe(MORE_SOURCES);
    expect(allFields(messages).at(-1)!.value).toContain(`${40 - shownSources.length} more sources`);
    expect(allFields(messages).at(-1)!.value).toContain("Show passages");
  });

  it("GIVEN a 200,000-character answer of one unpunctuated sentence THEN one message of at most 2,000 characters of answer", () => {
    const text = `${"word ".repeat(40_000)}[1]`;
    const messages = renderAnswer(answer(text, [citation(1, "A short quote.")]));
    expectAllSendable(messages);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.embeds[0]!.description!.length).toBeLessThanOrEqual(ANSWER_TEXT_MAX);
    expect(messages[0]!.embeds[0]!.fields!.map((f) => f.name)).toEqual(["[1] Article 1"]);
  });

  it("GIVEN quotes with Markdown, masked links and mentions THEN they are shown as text", () => {
    const quote = "Click [here](https://evil.example) or **bold** `code` @everyone <@&123>.";
    const messages = renderAnswer(answer(`${quote} [1]`, [citation(1, quote, { url: "javascript:alert(1)" })]));
    expectAllSendable(messages);
    const embed = messages[0]!.embeds[0]!;
    const value = embed.fields![0]!.value;
    expect(value).not.toMatch(/(?<!\\)\]\(https:\/\/evil/);
    expect(value).toContain("\\*\\*bold\\*\\*");
    expect(value).not.toContain("javascript:");
    expect(embed.description).not.toMatch(/(?<!\\)\]\(https:\/\/evil/);
  });

  it("GIVEN an abstention THEN says so plainly and lists the nearest sources", () => {
    const nearest = FIXTURE_PASSAGES.slice(0, 2).map((passage, i) => ({ passage, score: 0.2 - i / 10 }));
    const messages = renderAnswer(answer("The articles do not say.", [], { abstained: true, nearest }));
    expectAllSendable(messages);
    const embeds = allEmbeds(messages);
    expect(embeds[0]!.description).toContain(ABSTAIN_NOTICE);
    const fields = allFields(messages);
    expect(fields.map((f) => f.name)).toEqual(nearest.map((r) => r.passage.title));
    expect(fields[0]!.value).toContain(`${nearest[0]!.passage.source}:3`);
    expect(embeds[0]!.description).toMatch(new RegExp(`${NEAREST_SECTION.replace(/[()]/g, "\\$&")}:$`));
    expect(embeds[0]!.fields).toHaveLength(2);
  });

  it("GIVEN a model answer or a fallback THEN a short footer says which", () => {
    const quote = "Hamas responded favorably to the offer on Thursday.";
    expect(renderAnswer(answer(`${quote} [1]`, [citation(1, quote)], { model: "openai:gpt-4o-mini" }))[0]!.embeds.at(-1)!.footer?.text).toContain(
      "openai:gpt-4o-mini",
    );
    expect(renderAnswer(answer(`${quote} [1]`, [citation(1, quote)], { fallback: "the model timed out" }))[0]!.embeds.at(-1)!.footer?.text).toContain(
      "timed out",
    );
  });
});

describe("answer buttons", () => {
  it("GIVEN an answer id THEN the buttons fit Discord and their ids parse back", () => {
    const rows = createAnswerButtons("abcdefgh", { followUp: true, passages: true });
    expect(findLimitViolations({ embeds: [{ description: "d" }], components: rows })).toEqual([]);
    const ids = rows[0]!.components.map((c) => ("custom_id" in c ? c.custom_id : ""));
    expect(ids.map((id) => parseAnswerButtonId(id)?.action)).toEqual(["passages", "up", "down", "thread"]);
    expect(createAnswerButtons("x", { followUp: false, passages: false })[0]!.components).toHaveLength(2);
    expect(parseAnswerButtonId("sources:1:")).toBeUndefined();
    expect(parseAnswerButtonId("answer:delete:x")).toBeUndefined();
  });
});

describe("renderSearchResults", () => {
  it("GIVEN ten very long passages THEN ranked fields with scores, within every limit", () => {
    const results = Array.from({ length: 10 }, (_, i) => ({
      passage: { ...FIXTURE_PASSAGES[i % 4]!, id: `p${i}`, text: longText(80) } as Passage,
      score: 1 - i / 10,
    }));
    const result: SearchResult = { query: "Hamas Moscow", results, timings_ms: { retrieve: 1 } };
    const messages = renderSearchResults(result);
    expectAllSendable(messages);
    const names = allFields(messages).map((f) => f.name);
    expect(names).toHaveLength(10);
    expect(names[0]).toMatch(/^1\. .*\(score 1\.000\)$/);
    expect(names[9]).toMatch(/^10\. .*\(score 0\.100\)$/);
  });

  it("GIVEN no results THEN says so", () => {
    const messages = renderSearchResults({ query: "nothing", results: [], timings_ms: { retrieve: 0 } });
    expectAllSendable(messages);
    expect(messages[0]!.embeds[0]!.description).toMatch(/No passages/);
  });
});

describe("renderPassages", () => {
  it("GIVEN cited passages of ordinary length THEN quotes each in full", () => {
    const passages = Array.from({ length: 6 }, (_, i) => ({ ...FIXTURE_PASSAGES[0]!, id: `p${i + 1}`, text: longText(12) }));
    const citations = passages.map((_, i) => citation(i + 1, "quote"));
    const messages = renderPassages(citations, (id) => passages.find((p) => p.id === id));
    expectAllSendable(messages);
    const shown = descriptions(messages);
    for (let i = 0; i < 12; i++) expect(shown).toContain(sentence(i));
    expect(
      allEmbeds(messages)
        .filter((e) => e.title?.startsWith("["))
        .map((e) => e.title!.slice(0, 3)),
    ).toEqual(["[1]", "[2]", "[3]", "[4]", "[5]", "[6]"]);
  });

  it("GIVEN a cited passage that is one 5 MB line THEN shows the part around its quote, not hundreds of messages", () => {
    const text = `${"quiet morning river ".repeat(125_000)}the harbour commissioner announced tariff cuts ${"quiet evening road ".repeat(125_000)}`;
    const passage = { ...FIXTURE_PASSAGES[0]!, id: "huge", text, lineMap: [[1, 1]] as Array<[number, number]>, lines: [1, 1] as [number, number] };
    const messages = renderPassages([citation(1, "…the harbour commissioner announced tariff cuts…")], (id) => (id === "p1" ? passage : undefined));
    expectAllSendable(messages);
    expect(messages).toHaveLength(1);
    const shown = descriptions(messages);
    expect(shown).toContain("harbour commissioner announced tariff cuts");
    expect(shown.length).toBeLessThanOrEqual(PASSAGE_SHOWN_MAX + 200);
  });

  it("GIVEN a passage the index no longer has THEN falls back to the quote", () => {
    const messages = renderPassages([citation(1, "The quote itself.")], () => undefined);
    expectAllSendable(messages);
    expect(descriptions(messages)).toContain("> The quote itself.");
  });
});

describe("renderSourcesPage", () => {
  const articles = Array.from({ length: 23 }, (_, i) => ({
    source: `a/${i + 1}.md`,
    title: `Article ${i + 1}`,
    date: "2006-02-10",
    passages: i + 1,
  }));

  it("GIVEN 23 articles THEN pages of ten with buttons that point to the neighbours", () => {
    const first = renderSourcesPage(articles, 0);
    expect(findLimitViolations(first)).toEqual([]);
    expect(first.embeds[0]!.description!.split("\n")).toHaveLength(SOURCES_PAGE_SIZE);
    expect(first.embeds[0]!.footer!.text).toBe("Page 1 of 3 · 23 articles");
    const [prev, next] = first.components![0]!.components as Array<{ custom_id: string; disabled?: boolean }>;
    expect(prev!.disabled).toBe(true);
    expect(parseSourcesButtonId(next!.custom_id)).toEqual({ page: 1, filter: "" });
    const last = renderSourcesPage(articles, 99);
    expect(last.embeds[0]!.description).toContain("23. **Article 23**");
    expect(last.embeds[0]!.footer!.text).toBe("Page 3 of 3 · 23 articles");
  });

  it("GIVEN a long filter THEN the button ids still fit", () => {
    const page = renderSourcesPage(articles, 0, "f".repeat(300));
    expect(findLimitViolations(page)).toEqual([]);
  });

  it("GIVEN no articles THEN says the index is empty, without buttons", () => {
    const page = renderSourcesPage([], 0);
    expect(page.embeds[0]!.description).toBe("The index is empty.");
    expect(page.components).toEqual([]);
  });
});
