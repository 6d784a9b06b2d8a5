// Dates as written by publishers → ISO. Unparseable or implausible dates become undefined rather than wrong.

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_WITH_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const HAS_TIME = /\d{1,2}:\d{2}/;
const MIN_YEAR = 1800;
const MAX_YEAR = 2200;

/**
 * "2022-06-21" stays as is; an ISO timestamp keeps its own offset (so the publisher's local day survives);
 * other formats ("June 21, 2022", RFC 2822, epoch seconds or milliseconds) become YYYY-MM-DD when they carry
 * no time, else a UTC timestamp.
 */
export function normalizeDate(value: unknown): string | undefined {
  if (typeof value === "number") return fromEpoch(value);
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text === "") return undefined;

  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) return isRealDay(+dateOnly[1], +dateOnly[2], +dateOnly[3]) ? text : undefined;
  if (ISO_WITH_TIME.test(text)) {
    const time = Date.parse(text.replace(" ", "T"));
    const day = text.slice(0, 10).split("-").map(Number);
    return Number.isNaN(time) || !isRealDay(day[0], day[1], day[2]) ? undefined : text.replace(" ", "T").toUpperCase();
  }
  if (/^\d{9,13}$/.test(text)) return fromEpoch(Number(text));
  if (!/\b\d{4}\b/.test(text)) return undefined;

  const time = Date.parse(text);
  if (Number.isNaN(time)) return undefined;
  const date = new Date(time);
  if (HAS_TIME.test(text)) return plausible(date.getUTCFullYear()) ? date.toISOString() : undefined;
  // Without a time, Date.parse reads the day in local time: take the local calendar day back out.
  const year = date.getFullYear();
  if (!plausible(year)) return undefined;
  return `${year}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function fromEpoch(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const ms = value < 1e11 ? value * 1000 : value;
  const date = new Date(ms);
  return plausible(date.getUTCFullYear()) ? date.toISOString() : undefined;
}

function isRealDay(year: number, month: number, day: number): boolean {
  if (!plausible(year) || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function plausible(year: number): boolean {
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
