// /sources: one page of the indexed articles, with buttons to turn pages.
import { ButtonStyle, ComponentType } from "discord.js";
import type { ArticleSummary } from "../core/ports.js";
import { DISCORD_LIMITS as L, type RenderedMessage } from "./discord-limits.js";
import { escapeMarkdownText } from "./escape-markdown.js";
import { formatTitle } from "./format-source.js";
import { trimAtSentence } from "./split-text.js";

export const SOURCES_PAGE_SIZE = 10;
export const SOURCES_BUTTON_PREFIX = "sources";
const SOURCES_COLOR = 0x7a5c2e;
const TITLE_MAX = 150;

/** custom_id of a page button: "sources:<page>:<filter>", the filter cut to fit 100 characters. */
export function sourcesButtonId(page: number, filter: string): string {
  const head = `${SOURCES_BUTTON_PREFIX}:${page}:`;
  return head + filter.slice(0, L.customId - head.length);
}

export function parseSourcesButtonId(customId: string): { page: number; filter: string } | undefined {
  const match = /^sources:(-?\d+):(.*)$/s.exec(customId);
  return match ? { page: Number(match[1]), filter: match[2] ?? "" } : undefined;
}

export function countPages(articles: number, pageSize = SOURCES_PAGE_SIZE): number {
  return Math.max(1, Math.ceil(articles / pageSize));
}

/** Renders page `page` (0-based, clamped into range) of the articles. */
export function renderSourcesPage(articles: ArticleSummary[], page: number, filter = ""): RenderedMessage {
  const pages = countPages(articles.length);
  const current = Math.min(Math.max(0, Math.trunc(page) || 0), pages - 1);
  const shown = articles.slice(current * SOURCES_PAGE_SIZE, (current + 1) * SOURCES_PAGE_SIZE);
  const lines = shown.map((article, i) => {
    const title = trimAtSentence(article.title || article.source, TITLE_MAX);
    const name = formatTitle(title, article.url);
    const details = [
      article.date?.slice(0, 10),
      `${article.passages} passage${article.passages === 1 ? "" : "s"}`,
      `\`${trimAtSentence(article.source, 120).replace(/`/g, "'")}\``,
    ];
    return `${current * SOURCES_PAGE_SIZE + i + 1}. ${name} — ${details.filter(Boolean).join(" · ")}`;
  });
  const heading = filter ? `Indexed articles matching “${escapeMarkdownText(filter)}”` : "Indexed articles";
  const description = lines.length ? lines.join("\n") : filter ? "No indexed article matches that filter." : "The index is empty.";
  return {
    embeds: [
      {
        title: trimAtSentence(heading, L.embedTitle),
        description: trimAtSentence(description, L.embedDescription),
        color: SOURCES_COLOR,
        footer: { text: `Page ${current + 1} of ${pages} · ${articles.length} article${articles.length === 1 ? "" : "s"}` },
      },
    ],
    components:
      pages > 1
        ? [
            {
              type: ComponentType.ActionRow,
              components: [
                {
                  type: ComponentType.Button,
                  style: ButtonStyle.Secondary,
                  label: "◀ Previous",
                  custom_id: sourcesButtonId(current - 1, filter),
                  disabled: current === 0,
                },
                {
                  type: ComponentType.Button,
                  style: ButtonStyle.Secondary,
                  label: "Next ▶",
                  custom_id: sourcesButtonId(current + 1, filter),
                  disabled: current === pages - 1,
                },
              ],
            },
          ]
        : [],
  };
}
