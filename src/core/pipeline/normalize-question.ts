// Questions arrive from terminals and Discord with anything in them; this is the one gate they pass.
import { PersonFacingError } from "../person-facing-error.js";

export const MAX_QUESTION_CHARS = 1000;

export class QuestionError extends PersonFacingError {
  override name = "QuestionError";
}

/**
 * Removes control and zero-width characters and collapses whitespace; refuses an empty question and one
 * over MAX_QUESTION_CHARS, with a message fit to show the person who asked.
 */
export function normalizeQuestion(raw: string): string {
  const cleaned = raw
    .normalize("NFC")
    // Zero-width and bidirectional controls: invisible, and able to make a quoted question read backwards.
    .replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u00AD]/g, "")
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (cleaned === "") throw new QuestionError("The question is empty. Ask something about the articles.");
  if (cleaned.length > MAX_QUESTION_CHARS) {
    throw new QuestionError(`The question is ${cleaned.length} characters long; the limit is ${MAX_QUESTION_CHARS}. Shorten it and ask again.`);
  }
  return cleaned;
}
