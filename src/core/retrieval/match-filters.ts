// Search filters over passages: a source glob and an inclusive date range.
import { compileGlob, GlobError, matchesCompiledGlob, type CompiledGlob } from "./match-glob.js";
import type { Occurrence, Passage, Place, SearchFilters } from "../types.js";

// Compiled globs, most recently used last; bounded, since every member of a server can send new ones.
const GLOB_CACHE_SIZE = 64;
const globCache = new Map<string, CompiledGlob>();

function compiled(glob: string): CompiledGlob {
  let hit = globCache.get(glob);
  if (hit) globCache.delete(glob);
  else hit = compileGlob(glob);
  globCache.set(glob, hit);
  if (globCache.size > GLOB_CACHE_SIZE) globCache.delete(globCache.keys().next().value as string);
  return hit;
}

/** The number of compiled globs kept (for tests of the bound). */
export function cachedGlobCount(): number {
  return globCache.size;
}

/**
 * Whether a forward-slash path matches a glob: `*` is any run within one folder level, `?` one character
 * but "/", `**` any number of levels, `{a,b}` and `{1..3}` alternatives, `[0-4]` classes, a leading `!`
 * negates. A pattern without "/" also matches a file name at any depth ("*.md"), and a pattern that names
 * a folder matches everything under it ("bbc", "bbc/"). Case-insensitive.
 */
export function matchesGlob(path: string, glob: string): boolean {
  return matchesCompiledGlob(compiled(glob), path);
}

/** The YYYY-MM-DD part of an ISO date or timestamp; undefined when it is not one. */
export function isoDay(date: string | undefined): string | undefined {
  const match = date ? /^(\d{4}-\d{2}-\d{2})/.exec(date.trim()) : null;
  return match ? match[1] : undefined;
}

/** Where a text occurs, as far as the filters look: its file and its article's date. */

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

/** A real calendar day written YYYY-MM-DD (a timestamp's day part counts); 2020-02-31 is not one. */
function isCalendarDay(value: string): boolean {
  const day = isoDay(value);
  if (!day) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

/** Option names as each front end spells them, for messages that say what to fix. */
export interface FilterOptionNames {
  source: string;
  since: string;
  until: string;
}

export const CLI_FILTER_NAMES: FilterOptionNames = { source: "--source", since: "--since", until: "--until" };

/**
 * The one check of search filters for every front end (CLI ask/search/eval, Discord /ask and /search): a
 * source glob that compiles within its bounds, real calendar days, and a range that is not empty. Returns
 * what is wrong, in words a person can act on, or undefined.
 */
export function checkFilters(filters: SearchFilters | undefined, names: FilterOptionNames = CLI_FILTER_NAMES): string | undefined {
  if (!filters) return undefined;
  if (filters.source !== undefined) {
    try {
      compiled(filters.source);
    } catch (error) {
      if (error instanceof GlobError)
        return `${names.source} "${filters.source.slice(0, 40)}${filters.source.length > 40 ? "…" : ""}" ${error.message}`;
      throw error;
    }
  }
  for (const key of ["since", "until"] as const) {
    const value = filters[key];
    if (value !== undefined && !isCalendarDay(value)) {
      return `${names[key]} must be a real date written YYYY-MM-DD, such as 2022-06-16 (got "${value}")`;
    }
  }
  if (filters.since && filters.until && isoDay(filters.since)! > isoDay(filters.until)!) {
    return `${names.since} ${filters.since} is after ${names.until} ${filters.until}: no article can match`;
  }
  return undefined;
}

/** What the filters were, for "no article matches …" answers: "sources: bbc/**, since: 2024-01-01". */
export function describeFilters(filters: SearchFilters): string {
  const parts: string[] = [];
  if (filters.source) parts.push(`sources: ${filters.source}`);
  if (filters.since) parts.push(`since: ${filters.since}`);
  if (filters.until) parts.push(`until: ${filters.until}`);
  return parts.join(", ");
}
