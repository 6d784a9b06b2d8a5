// The pipeline every front end talks to: normalize → retrieve → answer, timed. Its parts are parameters.
import { MAX_QUESTION_CHARS, normalizeQuestion } from "./normalize-question.js";
import { resolveFollowUp } from "./resolve-follow-up.js";
import type { Answerer, ArticleSummary, AskOptions, Pipeline, SearchOptions } from "../ports.js";
import { anyPlaceMatches, describeFilters, hasFilters } from "../retrieval/match-filters.js";
import type { Answer, Passage, Query, Ranked, SearchFilters } from "../types.js";

/** Default number of passages retrieved for an answer or a search. */
export const DEFAULT_K = 8;

export interface PipelineParts {
  retrieve(query: Query): Promise<Ranked[]>;
  answer: Answerer;
  /** Rewrites a follow-up into a standalone question (a chat model's job); the plain heuristic when absent. */
  condense?(question: string, options: AskOptions): Promise<string>;
  articles(): ArticleSummary[];
  getPassage(id: string): Passage | undefined;
}

export const NO_ARTICLE_MATCHES = "No article matches";

/** The answer when the filters leave no article to search: say so, not "The articles don't say". */
export function noArticleMatches(question: string, filters: SearchFilters): Answer {
  const text = `${NO_ARTICLE_MATCHES} ${describeFilters(filters)}. Nothing was searched: widen or remove the filter.`;
  return { question, text, abstained: true, citations: [], nearest: [] };
}

const elapsed = (since: number) => Math.round((performance.now() - since) * 10) / 10;

/**
 * Gives each caller its own turn of the event loop. Retrieval and the extractive answer are synchronous
 * underneath (every await resolves as a microtask), and callers woken in the same loop iteration would run
 * back to back as one long block, stalling the bot's heartbeats and acknowledgements. Turns are chained, so
 * each next one is scheduled only after the previous one ran: one question's step per iteration.
 */
export function createTurnTaker(): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => {
    const turn = last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    last = turn;
    return turn;
  };
}

/**
 * The follow-up rewritten once, for every front end: "[n]" becomes the quote it cites (exact, from the earlier
 * answer), otherwise a chat model condenses the conversation when there is one, and the plain heuristic when
 * not. Capped at the question limit, the member's own words first.
 */
async function toStandalone(question: string, options: AskOptions, condense: PipelineParts["condense"]): Promise<string> {
  const history = options.history ?? [];
  if (history.length === 0) return question;
  const resolved = resolveFollowUp(question, history);
  const standalone = resolved.referenced.length === 0 && condense ? await condense(question, options) : resolved.question;
  return standalone.length > MAX_QUESTION_CHARS ? standalone.slice(0, MAX_QUESTION_CHARS).replace(/\s+\S*$/, "") : standalone;
}

export function createPipeline(parts: PipelineParts): Pipeline {
  const yieldToEventLoop = createTurnTaker();
  // Only an empty result is checked against the article list: the scan is over every article.
  const excludesEveryArticle = (ranked: Ranked[], filters: SearchFilters | undefined): filters is SearchFilters =>
    ranked.length === 0 && hasFilters(filters) && !parts.articles().some((article) => anyPlaceMatches([article], filters));
  return {
    async ask(rawQuestion, options = {}) {
      await yieldToEventLoop();
      const started = performance.now();
      const question = normalizeQuestion(rawQuestion);
      const standalone = await toStandalone(question, options, parts.condense);
      const ranked = await parts.retrieve({ text: standalone, k: options.k ?? DEFAULT_K, filters: options.filters, asOf: options.asOf });
      const retrieveMs = elapsed(started);
      await yieldToEventLoop();
      const retrieved = performance.now();
      const answer = excludesEveryArticle(ranked, options.filters)
        ? noArticleMatches(question, options.filters)
        : await parts.answer(question, ranked, options);
      return {
        ...answer,
        question,
        ...(standalone !== question ? { standalone } : {}),
        timings_ms: { retrieve: retrieveMs, answer: elapsed(retrieved), total: elapsed(started) },
      };
    },
    async search(rawQuery, options: SearchOptions = {}) {
      await yieldToEventLoop();
      const started = performance.now();
      const query = normalizeQuestion(rawQuery);
      const results = await parts.retrieve({ text: query, k: options.k ?? DEFAULT_K, filters: options.filters, asOf: options.asOf });
      return { query, results, timings_ms: { retrieve: elapsed(started) } };
    },
    listArticles(filter) {
      const all = parts.articles();
      if (!filter?.trim()) return all;
      const needle = filter.trim().toLowerCase();
      return all.filter((a) => a.title.toLowerCase().includes(needle) || a.source.toLowerCase().includes(needle));
    },
    getPassage: (id) => parts.getPassage(id),
  };
}
