// Time words in a question ("this week", "yesterday", "in March") turned into a window of publication
// dates, relative to a reference date. Retrieval uses it as a preference, never as a filter: a question
// asked today about "this week" may well be answered by an article from last Friday.

export interface DateWindow {
  /** Inclusive ISO dates (YYYY-MM-DD). */
  from: string;
  to: string;
  /** The words that set it, for logs and explanations. */
  reason: string;
}

const DAY_MS = 86_400_000;

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const MONTH_ABBREVIATIONS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

function parseDay(iso: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso.trim());
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(ms) ? undefined : ms;
}

function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function window(fromMs: number, toMs: number, reason: string): DateWindow {
  return { from: formatDay(fromMs), to: formatDay(toMs), reason };
}

function monthIndex(word: string): number {
  const lower = word.toLowerCase();
  const full = MONTHS.indexOf(lower);
  return full >= 0 ? full : MONTH_ABBREVIATIONS.indexOf(lower.replace(/\.$/, ""));
}

/**
 * The publication-date window that the question's time words point at, relative to `asOf` (an ISO date);
 * undefined when the question has no time words or there is no reference date. News about an event is
 * published on the day or shortly after, so windows reach a little past the event.
 */
export function resolveRecency(question: string, asOf: string | undefined): DateWindow | undefined {
  if (!asOf) return undefined;
  const today = parseDay(asOf);
  if (today === undefined) return undefined;
  const text = question.toLowerCase();
  const days = (n: number) => n * DAY_MS;

  if (/\byesterday\b/.test(text)) return window(today - days(1), today, "yesterday");
  if (/\b(today|tonight|this morning|this afternoon)\b/.test(text)) return window(today - days(1), today, "today");

  const weekday = /\b(?:on|last|this past)\s+(sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/.exec(text);
  if (weekday) {
    const target = WEEKDAYS.indexOf(weekday[1]);
    const current = new Date(today).getUTCDay();
    const back = (current - target + 7) % 7;
    const day = today - days(back);
    return window(day - days(1), Math.min(today, day + days(2)), weekday[0]);
  }

  if (/\b(this|past|last|previous)\s+(week|weekend)\b|\bthis past (week|weekend)\b|\bdays? ago\b/.test(text)) {
    const last = /\b(last|previous)\s+week\b/.test(text);
    return window(today - days(last ? 14 : 8), today, last ? "last week" : "this week");
  }

  const monthDay = /\b(?:on|since)\s+([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b/.exec(text);
  if (monthDay && monthIndex(monthDay[1]) >= 0) {
    const month = monthIndex(monthDay[1]);
    const year = new Date(today).getUTCFullYear();
    let day = Date.UTC(year, month, Number(monthDay[2]));
    if (day > today) day = Date.UTC(year - 1, month, Number(monthDay[2]));
    return window(day - days(1), Math.min(today, day + days(3)), monthDay[0]);
  }

  for (const inMonth of text.matchAll(/\b(in|during|since|this|last|early|late|mid)[\s-]+([a-z]{3,9})(?:,?\s+(\d{4}))?\b/g)) {
    const month = MONTHS.indexOf(inMonth[2]);
    // "may" is a month only after "in" ("in May"), not in "this may help".
    if (month < 0 || (inMonth[2] === "may" && inMonth[1] !== "in")) continue;
    const asOfDate = new Date(today);
    let year = inMonth[3] ? Number(inMonth[3]) : asOfDate.getUTCFullYear();
    if (!inMonth[3] && month > asOfDate.getUTCMonth()) year -= 1;
    const from = Date.UTC(year, month, 1);
    const to = Math.min(today, Date.UTC(year, month + 1, 3));
    if (from <= today) return window(from, to, inMonth[0]);
  }

  if (/\bthis month\b/.test(text)) return window(today - days(31), today, "this month");
  if (/\blast month\b/.test(text)) return window(today - days(62), today, "last month");
  if (/\b(recently|recent|latest|lately|so far this year|newly)\b/.test(text)) {
    return window(today - days(30), today, "recently");
  }
  if (/\bthis year\b/.test(text)) {
    return window(Date.UTC(new Date(today).getUTCFullYear(), 0, 1), today, "this year");
  }
  const inYear = /\bin (\d{4})\b/.exec(text);
  if (inYear) {
    const year = Number(inYear[1]);
    if (year >= 1900 && year <= new Date(today).getUTCFullYear()) {
      return window(Date.UTC(year, 0, 1), Math.min(today, Date.UTC(year, 11, 31)), inYear[0]);
    }
  }
  return undefined;
}

/**
 * How well a publication date fits the window: 1 inside it, fading to 0 over `fadeDays` on either side;
 * 0 for an undated article (neutral: no bonus, no penalty).
 */
export function recencyFit(date: string | undefined, window: DateWindow | undefined, fadeDays = 7): number {
  if (!window || !date) return 0;
  const day = parseDay(date);
  const from = parseDay(window.from);
  const to = parseDay(window.to);
  if (day === undefined || from === undefined || to === undefined) return 0;
  if (day >= from && day <= to) return 1;
  const distance = (day < from ? from - day : day - to) / DAY_MS;
  return Math.max(0, 1 - distance / fadeDays);
}
