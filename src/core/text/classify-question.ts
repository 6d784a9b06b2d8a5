// What kind of answer a question asks for, read from its wording. Two readers: retrieval's "answerType"
// feature (profile-query.ts) and the extractive answerer's sentence bonuses (answer-extractively.ts). Not
// merged: their word lists differ ("where" is a name to retrieval, "when" a date only to the answerer), and
// the eval cannot tell whether merging is neutral: answerType weighs 0 in the default settings
// (retrieval-settings.ts), so retrieval's reader changes no figure there, only in settings that weigh it.

/** What retrieval's "answerType" feature looks for. */
export type ExpectedAnswer = "number" | "name";

/** "Which country …", "what company …": the answer is a name. */
const NAMED_THING = new RegExp(
  "\\b(which|what) (\\w+ )?(" +
    "country|countries|state|city|company|team|person|man|woman|president|leader|singer|actor|actress|star|" +
    "player|nation|island|brand|party|organization|agency|group|celebrity|athlete|network|retailer|airline|" +
    "league|film|movie|show|band|artist|author|official|senator|governor|billionaire|ceo|firm|university|" +
    "school|region|province|continent|currency" +
    ")\\b",
);

/** For retrieval: "How many …" wants a number, "Who …" or "Which country …" a name; otherwise undefined. */
export function classifyQuestionForRetrieval(question: string): ExpectedAnswer | undefined {
  const text = question.toLowerCase();
  if (
    /\b(how (many|much|old|long|far|big|large|high|tall|fast)|what (percentage|percent|share|number|year|age|amount|price|temperature|magnitude)|in what year|how many)\b/.test(
      text,
    )
  ) {
    return "number";
  }
  if (/\b(who|whom|whose|where)\b/.test(text) || NAMED_THING.test(text)) {
    return "name";
  }
  return undefined;
}

/** What the extractive answerer favours in a sentence: speech, a figure, a time, a name. */
export type QuestionIntent = "say" | "number" | "date" | "name" | "other";

/** For the extractive answerer: "what did X say" → say, "how many" → number, "when" → date, "who" → name. */
export function classifyQuestionForAnswer(question: string): QuestionIntent {
  const q = question.toLowerCase();
  if (/\b(say|said|says|tell|told|respond|react|comment|announce|claim|think about)\b/.test(q)) return "say";
  if (/\bhow (many|much|long|old|far)\b|\bwhat (number|percentage|share|amount)\b/.test(q)) return "number";
  if (/\bwhen\b|\bwhat (year|date|day|month)\b/.test(q)) return "date";
  if (/^\s*(who|where|which)\b/.test(q)) return "name";
  return "other";
}

/** Questions that ask for a thing by name ("which show", "who", "where"): their answer names something new. */
export function asksForEntity(question: string, intent: QuestionIntent = classifyQuestionForAnswer(question)): boolean {
  return intent === "name" || /^\s*(what|which)\b|\b(which|what)\s+\p{L}+\s+(is|was|are|were|did|does|has|will)\b|\bwho\b|\bwhere\b/iu.test(question);
}

/** Who "what did X say" asks about: X's words, which the answering sentence must name. */
export function findSpeaker(question: string): string | undefined {
  return /\b(?:what|how)\s+(?:did|does|do|has|have|had|will|would)\s+(.+?)\s+(?:say|said|tell|told|announce|claim|respond|react|comment|think)\b/i.exec(
    question,
  )?.[1];
}
