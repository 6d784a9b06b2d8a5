// The one way Newsdesk says "the passages don't answer this": the text the extractive answerer gives, the
// opening a model is told to use (prompts.ts), and the recognizer of a model's own abstentions.

/** How a model is told to say "the passages don't answer"; `isAbstention` recognises it. */
export const ABSTENTION_OPENING = "The articles don't say";

/** Newsdesk's own abstention, when no passage answers (or a model's abstention cannot be checked). */
export const ABSTENTION_TEXT = `${ABSTENTION_OPENING}. None of the indexed passages answers this question.`;

/** True when a model's reply says the passages do not answer the question. */
export function isAbstention(reply: string): boolean {
  const text = reply.trim().toLowerCase().replace(/[’‘]/g, "'");
  if (text.startsWith(ABSTENTION_OPENING.toLowerCase())) return true;
  return (
    /\b(?:articles?|passages?|sources?|provided (?:text|information))\b[^.]{0,40}\b(?:do not|don't|does not|doesn't|did not|didn't)\b[^.]{0,30}\b(?:say|answer|contain|mention|include|cover|address|provide|specify|state)\b/.test(
      text,
    ) || /\bnot (?:mentioned|stated|covered|addressed|answered) in the (?:articles?|passages?|sources?)\b/.test(text)
  );
}
