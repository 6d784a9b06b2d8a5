// Search filters over passages: a source glob and an inclusive date range.
import type { Occurrence, Passage, SearchFilters } from "./types.js";

const globCache = new Map<string, RegExp>();

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * A glob as a RegExp over forward-slash paths: `*` is any run within one folder level, `?` one character
 * but "/", `**` any number of levels. A pattern without "/" also matches a file name at any depth
 * ("*.md"), and a pattern that names a folder matches everything under it ("bbc", "bbc/").
 */
export function globToRegExp(glob: string): RegExp {
  const cached = globCache.get(glob);
  if (cached) return cached;
  let pattern = glob.trim().replace(/\\/g, "/").replace(/^\.\//, "");
  const anyDepth = !pattern.includes("/");
  if (pattern.endsWith("/")) pattern += "**";
  let body = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*" && pattern[i + 1] === "*") {
      const slashAfter = pattern[i + 2] === "/";
      // "**/" also matches no folder at all; a lone "**" matches anything.
      body += slashAfter ? "(?:.*/)?" : ".*";
      i += slashAfter ? 2 : 1;
    } else if (ch === "*") body += "[^/]*";
    else if (ch === "?") body += "[^/]";
    else body += escapeRegExp(ch);
  }
  const prefix = anyDepth ? "(?:.*/)?" : "";
  const regexp = new RegExp(`^${prefix}${body}(?:/.*)?$`, "i");
  globCache.set(glob, regexp);
  return regexp;
}

export function matchesGlob(path: string, glob: string): boolean {
  return globToRegExp(glob).test(path);
}

/** The YYYY-MM-DD part of an ISO date or timestamp; undefined when it is not one. */
export function isoDay(date: string | undefined): string | undefined {
  const match = date ? /^(\d{4}-\d{2}-\d{2})/.exec(date.trim()) : null;
  return match ? match[1] : undefined;
}

/** Where a text occurs, as far as the filters look: its file and its article's date. */
export type Place = Pick<Occurrence, "source" | "date">;

function occurrenceMatches(occurrence: Place, filters: SearchFilters): boolean {
  if (filters.source && !matchesGlob(occurrence.source, filters.source)) return false;
  if (filters.since || filters.until) {
    const day = isoDay(occurrence.date);
    if (!day) return false;
    const since = isoDay(filters.since);
    const until = isoDay(filters.until);
    if (since && day < since) return false;
    if (until && day > until) return false;
  }
  return true;
}

export function hasFilters(filters: SearchFilters | undefined): filters is SearchFilters {
  return Boolean(filters && (filters.source || filters.since || filters.until));
}

/**
 * True when the passage, or one of the places its exact text also occurs, satisfies every filter.
 * Undated articles are excluded as soon as either date bound is set.
 */
export function matchesFilters(passage: Passage, filters: SearchFilters | undefined): boolean {
  if (!hasFilters(filters)) return true;
  if (occurrenceMatches(passage, filters)) return true;
  return (passage.duplicates ?? []).some((d) => occurrenceMatches(d, filters));
}

/** `matchesFilters` over the places a text occurs, for indexes that know them without reading the text. */
export function anyPlaceMatches(places: readonly Place[], filters: SearchFilters | undefined): boolean {
  return !hasFilters(filters) || places.some((place) => occurrenceMatches(place, filters));
}

/**
 * The passage as seen through the filters: when its primary occurrence fails them but a duplicate passes,
 * that duplicate becomes the occurrence shown and cited.
 */
export function viewThroughFilters(passage: Passage, filters: SearchFilters | undefined): Passage {
  if (!hasFilters(filters) || occurrenceMatches(passage, filters)) return passage;
  const duplicates = passage.duplicates ?? [];
  const match = duplicates.find((d) => occurrenceMatches(d, filters));
  if (!match) return passage;
  const { source, title, url, date, lines } = passage;
  const primary: Occurrence = { source, title, lines, ...(url ? { url } : {}), ...(date ? { date } : {}) };
  return {
    ...passage,
    lineMap: lineMapFor(passage, match.lines),
    source: match.source,
    title: match.title,
    url: match.url,
    date: match.date,
    lines: match.lines,
    duplicates: [primary, ...duplicates.filter((d) => d !== match)],
  };
}

/** The passage's line map moved onto another occurrence of the same text (same layout: shifted; else its whole range). */
function lineMapFor(passage: Passage, lines: Occurrence["lines"]): Passage["lineMap"] {
  const shift = lines[0] - passage.lines[0];
  if (lines[1] - lines[0] === passage.lines[1] - passage.lines[0]) {
    return passage.lineMap.map(([a, b]) => [a + shift, b + shift]);
  }
  return passage.lineMap.map(() => [lines[0], lines[1]]);
}

/** A filter error for a user: a date that is not YYYY-MM-DD, or a range that is empty. */
export function checkFilters(filters: SearchFilters | undefined): string | undefined {
  if (!filters) return undefined;
  for (const key of ["since", "until"] as const) {
    const value = filters[key];
    if (value !== undefined && (!isoDay(value) || Number.isNaN(Date.parse(isoDay(value) as string)))) {
      return `--${key} must be a date like 2022-06-16 (got "${value}")`;
    }
  }
  if (filters.since && filters.until && isoDay(filters.since)! > isoDay(filters.until)!) {
    return `--since ${filters.since} is after --until ${filters.until}: no article can match`;
  }
  return undefined;
}
