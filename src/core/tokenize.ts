// One tokenizer for every lexical signal (embedding, answer sentence scoring), so that they agree.

// Function words that carry no topic. Question words stay out of it: the answerer reads them separately.
export const STOPWORDS = new Set(
  (
    "a an and are as at be been being but by can could did do does doing for from had has have having he her " +
    "here hers him his how i if in into is it its itself just me more most my no nor not of off on once only or " +
    "other our ours out over own same she should so some such than that the their theirs them then there these " +
    "they this those through to too under until up very was we were what when where which while who whom why " +
    "will with would you your yours about after again against all am any because before below between both " +
    "down during each few further s t don now also said says say tell told according"
  ).split(" "),
);

/** Lowercased words and numbers; possessives folded ("Russia's" → "russia"); digits kept ("2,000" → "2000"). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /[\p{L}\p{N}]+(?:[.,'’][\p{L}\p{N}]+)*/gu;
  for (const match of text.toLowerCase().matchAll(re)) {
    let token = match[0].replace(/['’]s$/u, "").replace(/['’]/gu, "");
    if (/^[\d.,]+$/.test(token)) token = token.replace(/,/g, "");
    else token = token.replace(/[.,]/g, "");
    if (token) tokens.push(token);
  }
  return tokens;
}

/** Tokens without stopwords: the words that say what a text is about. */
export function contentTokens(text: string): string[] {
  return tokenize(text).filter((t) => !STOPWORDS.has(t));
}
