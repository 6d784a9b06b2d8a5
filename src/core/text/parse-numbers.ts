// Numbers in text: which tokens are numbers, and the spelled-out numbers that stand for digits.

/** Whether a token (as `tokenize` writes it) is a number: it starts with a digit ("2000", "3.5", "1990s"). */
export function isNumberToken(token: string): boolean {
  const code = token.charCodeAt(0);
  return code >= 48 && code <= 57;
}

/** Spelled numbers and ordinals a claim may write for the digits its source has. */
const NUMBER_WORDS: Record<string, string> = {
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
  ten: "10",
  eleven: "11",
  twelve: "12",
  first: "1",
  second: "2",
  third: "3",
  fourth: "4",
  fifth: "5",
  dozen: "12",
};

/** The token with a spelled number ("three", "third") turned into its digits; any other token unchanged. */
export function parseNumberWord(token: string): string {
  return NUMBER_WORDS[token] ?? token;
}

/** A text that states a figure: digits, or a number word. */
const STATES_NUMBER = /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|dozen)\b/i;
/** A text that states a time: a year, a month, a weekday or a relative day. */
const STATES_DATE =
  /\b(\d{4}|january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|week|month|year)\b/i;

export function statesNumber(text: string): boolean {
  return STATES_NUMBER.test(text);
}

export function statesDate(text: string): boolean {
  return STATES_DATE.test(text);
}
