// What /reindex, /stats and /gaps show: plain RenderedMessages, within Discord's limits, article and question
// text escaped (it is data, never formatting).
import { MessageFlags, type ChatInputCommandInteraction } from "discord.js";
import { NO_PINGS } from "./answer-question.js";
import type { RenderedMessage } from "./discord-limits.js";
import { DISCORD_LIMITS } from "./discord-limits.js";
import { escapeMarkdownText } from "./escape-markdown.js";
import type { GapEntry, GapsSummary, OpsServices, ReindexProgress, ReindexReport, ServedIndex, StatsReport } from "./bot-ports.js";

const SKIPPED_SHOWN = 15;
const QUESTION_SHOWN = 150;

/** A Discord timestamp: each member sees it in their own time zone ("3 minutes ago" with style R). */
export const discordTime = (ms: number, style: "R" | "f" = "R") => `<t:${Math.floor(ms / 1000)}:${style}>`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** Adds items under `head` while they fit in `max` characters, then says how many are left out (`hidden` more). */
function fitLines(head: string[], items: string[], max: number, more: (n: number) => string, hidden = 0): string {
  const lines = [...head];
  // Room for the longest "…and n more" line, whenever one may be needed.
  const tail = more(items.length + hidden).length + 1;
  let shown = 0;
  for (const item of items) {
    const needsTail = items.length - shown - 1 + hidden > 0;
    if ([...lines, item].join("\n").length + (needsTail ? tail : 0) > max) break;
    lines.push(item);
    shown++;
  }
  const left = items.length - shown + hidden;
  if (left > 0) lines.push(more(left));
  return lines.join("\n");
}

export function renderReindexProgress(progress: ReindexProgress): string {
  const elapsed = `(${progress.seconds.toFixed(1)} s)`;
  switch (progress.phase) {
    case "reading":
      return `Re-indexing… reading files: ${progress.files}/${progress.totalFiles}, ${plural(progress.passages, "passage")} so far ${elapsed}`;
    case "embedding":
    case "inserting":
      // A fresh build embeds while it reads: until the last file, reading is the measure of progress.
      if (progress.files < progress.totalFiles) {
        return `Re-indexing… reading files: ${progress.files}/${progress.totalFiles}, ${plural(progress.passages, "passage")} so far, ${progress.embedded} embedded ${elapsed}`;
      }
      return `Re-indexing… embedding new passages: ${progress.embedded}/${progress.toEmbed}, ${progress.rate}/s ${elapsed}`;
    default:
      return `Re-indexing… writing the new index (${plural(progress.toEmbed, "new passage")}) ${elapsed}`;
  }
}

const describeServed = (served: ServedIndex) =>
  `${plural(served.articles, "article")}, ${plural(served.passages, "passage")} from ${plural(served.files, "file")}, built ${discordTime(Date.parse(served.builtAt))}`;

export function renderReindexReport(report: ReindexReport): RenderedMessage {
  if (report.status === "busy") {
    return {
      content: `A re-index is already running (started ${discordTime(report.startedAt)} by <@${report.requestedBy}>). Its reply will show the result.`,
      embeds: [],
    };
  }
  if (report.status === "failed") {
    return {
      content: clip(
        `❌ The index build failed:\n${escapeMarkdownText(report.message)}\n\nThe bot keeps answering from the previous index.`,
        DISCORD_LIMITS.content,
      ),
      embeds: [],
    };
  }
  const s = report.summary;
  const skipped = s.skipped.length ? `, ${s.skipped.length} skipped` : "";
  const head = [
    `✅ Indexed ${plural(s.files, "file")}, ${plural(s.articles, "article")}, ${plural(s.chunks, "passage")} (${s.embedded} embedded, ${s.reused} reused, ${s.removed} removed${skipped}) in ${s.seconds} s.`,
  ];
  const reload = report.reload;
  if (reload?.status === "failed")
    head.push(
      `⚠️ The new index could not be loaded: ${escapeMarkdownText(clip(reload.message, 500))}\nThe bot keeps answering from the previous index.`,
    );
  else if (reload) head.push(`Now answering from: ${describeServed(reload.served)}.`);
  if (s.skipped.length) head.push("", "**Skipped**");
  const items = s.skipped
    .slice(0, SKIPPED_SHOWN)
    .map((k) => `- ${escapeMarkdownText(clip(k.source, 200))}: ${escapeMarkdownText(clip(k.reason, 200))}`);
  const more = (n: number) => `…and ${n} more (\`npm run index\` lists them all).`;
  return { content: fitLines(head, items, DISCORD_LIMITS.content, more, s.skipped.length - items.length), embeds: [] };
}

export function renderStats(report: StatsReport): RenderedMessage {
  const a = report.activity;
  const fields = [
    { name: "Index", value: report.index ? describeServed(report.index) : "No index loaded yet." },
    { name: "Embedder", value: escapeMarkdownText(report.embedder ?? "—"), inline: true },
    { name: "Answers", value: escapeMarkdownText(report.answering), inline: true },
    { name: "Questions answered", value: `last 24 hours: ${a.answeredLastDay}\nlast 7 days: ${a.answeredLastWeek}` },
    {
      name: "Answer time (7 days)",
      value: a.medianMs === null || a.p95Ms === null ? "no answers yet" : `median ${seconds(a.medianMs)} · p95 ${seconds(a.p95Ms)}`,
      inline: true,
    },
    {
      name: "Abstentions (7 days)",
      value:
        a.abstentionRate === null ? "no answers yet" : `${Math.round(a.abstentionRate * 100)}% (${a.abstainedLastWeek} of ${a.answeredLastWeek})`,
      inline: true,
    },
    {
      name: "Feedback",
      value: `last 7 days: 👍 ${a.thumbsUpLastWeek} · 👎 ${a.thumbsDownLastWeek}\nall kept: 👍 ${a.thumbsUp} · 👎 ${a.thumbsDown}`,
    },
  ];
  if (report.lastReloadError) {
    fields.push({
      name: "⚠️ The last index reload failed",
      value: clip(`${escapeMarkdownText(report.lastReloadError)}\nStill answering from the index above.`, DISCORD_LIMITS.fieldValue),
    });
  }
  return {
    embeds: [
      {
        title: "Newsdesk statistics",
        fields,
        footer: { text: "Questions and feedback from this server. /gaps lists the questions I could not answer." },
      },
    ],
  };
}

function gapLine(entry: GapEntry, withCount: boolean): string {
  const question = escapeMarkdownText(clip(entry.question.replace(/\s+/g, " "), QUESTION_SHOWN));
  return withCount ? `**${entry.count}×** ${question} (last ${discordTime(entry.lastAsked)})` : `${discordTime(entry.lastAsked)} ${question}`;
}

export function renderGaps(summary: GapsSummary): RenderedMessage {
  if (summary.total === 0) {
    return { content: `No unanswered questions in this server in the last ${summary.windowDays} days.`, embeds: [] };
  }
  const frequent = summary.frequent.length ? summary.frequent.map((e) => gapLine(e, true)) : ["No question was asked more than once."];
  const half = Math.floor(DISCORD_LIMITS.embedDescription / 2);
  const more = (n: number) => `…and ${n} more.`;
  const description = [
    fitLines(["**Most frequent**"], frequent, half - 1, more),
    fitLines(
      ["**Most recent**"],
      summary.recent.map((e) => gapLine(e, false)),
      half - 1,
      more,
    ),
  ].join("\n\n");
  return {
    embeds: [
      {
        title: "Questions I could not answer",
        description,
        footer: {
          text: `${plural(summary.total, "unanswered question")} in this server in the last ${summary.windowDays} days. Articles on these topics would help.`,
        },
      },
    ],
  };
}

export const OPERATIONS_DISABLED = "Operations commands are not enabled in this bot (it was started without them).";

/** The admin report commands' one flow: private defer, then the report rendered from the ops services. */
export async function replyWithOpsReport(
  interaction: ChatInputCommandInteraction,
  ops: OpsServices | undefined,
  report: (ops: OpsServices) => Promise<RenderedMessage>,
): Promise<void> {
  if (!ops) {
    await interaction.reply({ content: OPERATIONS_DISABLED, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const message = await report(ops);
  await interaction.editReply({ content: message.content ?? "", embeds: message.embeds, allowedMentions: NO_PINGS });
}
