import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chunkArticle, linesOfSpan } from "../src/core/ingest/chunk-article.js";
import { splitSentences } from "../src/core/text/split-sentences.js";
import type { Article } from "../src/core/types.js";
import { parseCorpusFile } from "../src/corpus/index.js";

const sentencesOf = (text: string) => splitSentences(text).map((s) => text.slice(s.start, s.end));

/** The sentences of an article that run over more than one of its body lines. */
function sentencesAcrossLines(article: Article): string[] {
  return sentencesOf(article.body).filter((sentence) => /[\r\n]/.test(sentence));
}

const STARTING_FILE = new URL("../corpus/000_c0af5a29d12023ff.txt", import.meta.url);
const BBC_DIR = new URL("../../shared/datasets/news-eval/bbc/", import.meta.url);

describe("splitSentences: a sentence stays inside one story", () => {
  it("GIVEN the starting corpus, whose lines 18-21 are four stories that stop mid-sentence THEN no sentence spans two lines", () => {
    const [article] = parseCorpusFile("000_c0af5a29d12023ff.txt", readFileSync(STARTING_FILE)).articles;
    expect(sentencesAcrossLines(article)).toEqual([]);
    const sentences = sentencesOf(article.body);
    expect(sentences).toContain("These include multiple references to US President Donald");
    const sentence = sentences.find((s) => s.includes("sentenced to 27 years"));
    expect(sentence).toMatch(/^CHARGES: The former president/);
    // The answerer splits each passage on its own: it must find the same sentences.
    for (const passage of chunkArticle(article)) expect(sentences).toEqual(expect.arrayContaining(sentencesOf(passage.text)));
  });

  it("GIVEN a long line that ends without punctuation and a next line in capitals THEN the line break ends the sentence", () => {
    const text =
      "The latest batch of e-mails shows the scope of his contacts, including multiple references to US President Donald\n" +
      "Far-right former Brazilian president Jair Bolsonaro was sentenced to 27 years.";
    expect(sentencesOf(text)).toEqual([
      "The latest batch of e-mails shows the scope of his contacts, including multiple references to US President Donald",
      "Far-right former Brazilian president Jair Bolsonaro was sentenced to 27 years.",
    ]);
  });

  it("GIVEN a long line continued by a lower-case line (hard wrapping) THEN the sentence continues", () => {
    const text = "The committee met on Tuesday to discuss the proposal that was put forward by\nthe finance ministry last month.";
    expect(sentencesOf(text)).toEqual([text]);
  });

  it("GIVEN a short line before a lower-case line THEN the short line is a heading of its own", () => {
    expect(sentencesOf("not with the program\nbut Israeli officials said otherwise.")).toEqual([
      "not with the program",
      "but Israeli officials said otherwise.",
    ]);
  });
});

describe("splitSentences: list items", () => {
  it("GIVEN items marked -, *, •, 1. and 2) THEN each is a sentence, whatever the line before ends with", () => {
    const text = [
      "The measures announced on Wednesday by the chancellor in his pre-budget report included",
      " - Increase in the stamp duty threshold from £60,000,",
      "- a freeze on petrol duty",
      "* an extension of the tax credit scheme for poorer families that was first introduced in 2003",
      "• help for pensioners",
      "1. more money for schools",
      "2) lower taxes for small firms",
    ].join("\n");
    expect(sentencesOf(text)).toEqual([
      "The measures announced on Wednesday by the chancellor in his pre-budget report included",
      "- Increase in the stamp duty threshold from £60,000,",
      "- a freeze on petrol duty",
      "* an extension of the tax credit scheme for poorer families that was first introduced in 2003",
      "• help for pensioners",
      "1. more money for schools",
      "2) lower taxes for small firms",
    ]);
  });

  it("GIVEN a long list item continued on a lower-case line THEN the item continues", () => {
    const text = "- Reduced income tax for those earning less than 250,000 rupees ($5,700) to 20% from\n  the 30% paid until now\n- Another item";
    expect(sentencesOf(text)).toEqual([
      "- Reduced income tax for those earning less than 250,000 rupees ($5,700) to 20% from\n  the 30% paid until now",
      "- Another item",
    ]);
  });

  it.skipIf(!existsSync(BBC_DIR))("GIVEN the BBC articles THEN no sentence spans a line (13 joined list items before)", () => {
    const joined: string[] = [];
    for (const name of readdirSync(BBC_DIR)) {
      for (const article of parseCorpusFile(name, readFileSync(new URL(name, BBC_DIR))).articles) {
        joined.push(...sentencesAcrossLines(article).map((s) => `${name}: ${s.slice(0, 80)}`));
      }
    }
    expect(joined).toEqual([]);
  });
});

describe("splitSentences: line endings and scripts", () => {
  it("GIVEN lone CR line breaks (classic Mac) THEN they end lines like LF does", () => {
    const text =
      "Police in the city arrested two men after a long chase and were still looking for\r" +
      "Voters in Ecuador decide on foreign military bases today.\rIt was the third vote in a year.";
    expect(sentencesOf(text)).toEqual([
      "Police in the city arrested two men after a long chase and were still looking for",
      "Voters in Ecuador decide on foreign military bases today.",
      "It was the third vote in a year.",
    ]);
  });

  it("GIVEN CRLF line breaks THEN the result is the one for LF, hard wrapping included", () => {
    const lf = "The committee met on Tuesday to discuss the proposal that was put forward by\nthe finance ministry.\nA heading\nPolice arrived.";
    const crlf = lf.replace(/\n/g, "\r\n");
    expect(sentencesOf(crlf).map((s) => s.replace(/\r\n/g, "\n"))).toEqual(sentencesOf(lf));
    expect(sentencesOf(lf)).toHaveLength(3);
  });

  it("GIVEN Chinese and Japanese text THEN 。！？ end sentences though no space follows them", () => {
    const text = "北京今天宣布了新的经济计划。上海的股市大涨！东京的情况如何？\n大阪的气温创下新高\n日本の首相は辞任を発表した。";
    expect(sentencesOf(text)).toEqual([
      "北京今天宣布了新的经济计划。",
      "上海的股市大涨！",
      "东京的情况如何？",
      "大阪的气温创下新高",
      "日本の首相は辞任を発表した。",
    ]);
  });

  it("GIVEN a Chinese article of four stories, one per line THEN each story's sentences stay on its line", () => {
    const stories = [
      "国务院今天公布了新的经济刺激计划。计划包括减税和基础设施投资。专家认为这将提振消费",
      "上海证券交易所的股票周二大幅上涨！投资者对前景感到乐观。",
      "台风“海葵”预计明天登陆福建。当局已疏散沿海居民？",
      "东京奥运会的筹备工作进入最后阶段。组委会表示一切顺利。",
    ];
    const [article] = parseCorpusFile("cjk.txt", new TextEncoder().encode(stories.join("\n"))).articles;
    const sentences = sentencesOf(article.body);
    expect(sentences).toHaveLength(9);
    expect(sentencesAcrossLines(article)).toEqual([]);
    expect(sentences).toContain("专家认为这将提振消费");
  });

  it("GIVEN a closing quote after a CJK full stop THEN it stays with its sentence", () => {
    expect(sentencesOf("他说：“我们会赢。”比赛明天开始。")).toEqual(["他说：“我们会赢。”", "比赛明天开始。"]);
  });
});

describe("chunkArticle: passages hold whole sentences of one story", () => {
  it("GIVEN an HTML page whose stories are separated by <br> THEN no passage sentence crosses a <br>", () => {
    const html =
      "<html><body><article><p>The council met for many hours on Tuesday evening to discuss the budget without reaching any<br>" +
      "Police in the city arrested two men after a robbery at a bank on Main Street.<BR/>" +
      "Voters in Ecuador will decide on the return of foreign military bases and a new constitution that<br />" +
      "Rail workers returned to work on Monday after a week-long strike.</p></article></body></html>";
    const [article] = parseCorpusFile("page.html", new TextEncoder().encode(html)).articles;
    expect(article.body.split("\n")).toHaveLength(4);
    expect(sentencesAcrossLines(article)).toEqual([]);
    const passages = chunkArticle(article);
    const sentences = passages.flatMap((p) => sentencesOf(p.text));
    expect(sentences.filter((s) => s.includes("reaching any") && s.includes("Police"))).toEqual([]);
    expect(sentences).toContain("Police in the city arrested two men after a robbery at a bank on Main Street.");
  });

  it("GIVEN the starting corpus with CR-only line endings THEN the Bolsonaro sentence is cited at line 21 alone", () => {
    const cr = readFileSync(STARTING_FILE, "utf8").replace(/\n/g, "\r");
    const [article] = parseCorpusFile("mac.txt", new TextEncoder().encode(cr)).articles;
    expect(article.body.split("\n").length).toBeGreaterThan(15);
    const cited = chunkArticle(article).flatMap((passage) =>
      splitSentences(passage.text)
        .filter((s) => passage.text.slice(s.start, s.end).includes("sentenced to 27 years"))
        .map((s) => ({ text: passage.text.slice(s.start, s.end), lines: linesOfSpan(passage, s.start, s.end) })),
    );
    expect(cited.length).toBeGreaterThan(0);
    for (const { text, lines } of cited) {
      expect(lines).toEqual([21, 21]);
      expect(text).not.toContain("Donald");
    }
  });
});
