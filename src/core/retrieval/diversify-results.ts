// Stage 5 of hybrid retrieval: drop repeated stories and spread the first results over articles.
import { analyzePassage, type Analyze } from "./analyze-passage.js";
import { DEFAULT_RETRIEVAL } from "./retrieval-settings.js";
import type { Ranked } from "../types.js";

export interface DiversityOptions {
  /** At most this many passages of one article among the first `window` results. */
  perArticle: number;
  window: number;
  /** Word-shingle overlap at or above which two passages count as the same story. */
  nearDuplicate: number;
}

function normalizedText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

function shinglesOf(tokens: string[]): Set<string> {
  const set = new Set<string>();
  for (let i = 0; i + 2 < tokens.length; i++) set.add(`${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]}`);
  if (set.size === 0 && tokens.length > 0) set.add(tokens.join(" "));
  return set;
}

function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  return shared / small.size;
}

/**
 * Drops repeated passages (same text, or the same story copied into another file) and spreads the
 * first results over articles: at most `perArticle` passages of one article in the first `window`,
 * unless there are not enough other articles to fill it. Order is otherwise kept. With `limit`, stops
 * once the first `limit` results are settled (the rest of the list is not examined). `analyze` lets
 * retrievePassages share the passages' analyses with re-ranking.
 */
export function diversify<T extends Ranked>(
  ranked: T[],
  options: DiversityOptions = DEFAULT_RETRIEVAL.diversity,
  limit = Infinity,
  analyze: Analyze = analyzePassage,
): T[] {
  const seenTexts = new Set<string>();
  const seenShingles: Set<string>[] = [];
  const isRepeat = (item: T) => {
    const text = normalizedText(item.passage.text);
    if (seenTexts.has(text)) return true;
    const own = shinglesOf(analyze(item.passage).tokens);
    if (seenShingles.some((other) => overlap(own, other) >= options.nearDuplicate)) return true;
    seenTexts.add(text);
    seenShingles.push(own);
    return false;
  };
  const head: T[] = [];
  const deferred: T[] = [];
  const rest: T[] = [];
  const perSource = new Map<string, number>();
  for (const item of ranked) {
    if (head.length >= options.window && head.length + deferred.length + rest.length >= limit) break;
    if (isRepeat(item)) continue;
    if (head.length >= options.window) {
      rest.push(item);
      continue;
    }
    const source = item.passage.source;
    const count = perSource.get(source) ?? 0;
    if (count >= options.perArticle) {
      deferred.push(item);
      continue;
    }
    perSource.set(source, count + 1);
    head.push(item);
  }
  // Not enough other articles: the deferred passages fill the window after all, in their order.
  while (head.length < options.window && deferred.length > 0) head.push(deferred.shift() as T);
  return [...head, ...deferred, ...rest];
}
