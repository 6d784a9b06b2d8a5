import { describe, expect, it } from "vitest";
import { asksForEntity, classifyQuestionForAnswer, classifyQuestionForRetrieval, findSpeaker } from "../src/core/text/classify-question.js";

describe("classifyQuestionForRetrieval", () => {
  it("GIVEN question wordings THEN recognizes the kind of answer asked for", () => {
    expect(classifyQuestionForRetrieval("How many hot dogs did he eat?")).toBe("number");
    expect(classifyQuestionForRetrieval("Which country announced a crackdown?")).toBe("name");
    expect(classifyQuestionForRetrieval("Who is Dan Gillerman?")).toBe("name");
    expect(classifyQuestionForRetrieval("Why did cities cancel fireworks?")).toBeUndefined();
  });
});

describe("classifyQuestionForAnswer", () => {
  it("GIVEN question shapes THEN it names what kind of sentence answers them", () => {
    expect(classifyQuestionForAnswer("What did the ministry say?")).toBe("say");
    expect(classifyQuestionForAnswer("How many people died?")).toBe("number");
    expect(classifyQuestionForAnswer("When did the talks start?")).toBe("date");
    expect(classifyQuestionForAnswer("Who is Dan Gillerman?")).toBe("name");
    expect(classifyQuestionForAnswer("Why did markets fall?")).toBe("other");
  });
});

describe("the two classifiers, tuned apart", () => {
  it("GIVEN 'where' and 'when' questions THEN retrieval and the answerer read them differently", () => {
    expect(classifyQuestionForRetrieval("When did the talks start?")).toBeUndefined();
    expect(classifyQuestionForAnswer("When did the talks start?")).toBe("date");
    expect(classifyQuestionForRetrieval("Was the summit held where the talks were?")).toBe("name");
    expect(classifyQuestionForAnswer("Was the summit held where the talks were?")).toBe("other");
  });
});

describe("asksForEntity", () => {
  it("GIVEN questions for a thing by name THEN true; for a reason THEN false", () => {
    expect(asksForEntity("Which show won?")).toBe(true);
    expect(asksForEntity("Where did the storm hit?")).toBe(true);
    expect(asksForEntity("Why did markets fall?")).toBe(false);
  });
});

describe("findSpeaker", () => {
  it("GIVEN 'what did X say' THEN returns X", () => {
    expect(findSpeaker("What did the Russian Foreign Ministry say about Hamas?")).toBe("the Russian Foreign Ministry");
    expect(findSpeaker("Why did markets fall?")).toBeUndefined();
  });
});
