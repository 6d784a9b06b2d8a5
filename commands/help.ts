// /help: what the bot does, its commands, and how to read a citation.
import { InteractionContextType, MessageFlags, SlashCommandBuilder } from "discord.js";
import { NO_PINGS } from "../src/discord/answer-question.js";
import type { Command } from "../src/discord/command.js";

export const HELP_TEXT = [
  "I answer questions from the news articles this server has indexed, and show where every claim comes from.",
  "",
  "**Commands**",
  "`/ask question` — an answer with numbered citations. Options: `sources` (a path glob such as `bbc/**`), `since` (YYYY-MM-DD), `private` (only you see it).",
  "`/search query` — the passages that match best, with scores, without an answer.",
  "`/sources` — the indexed articles, page by page; `filter` narrows by title or path.",
  "`/help` — this message.",
  "For admins (Manage Server, or a role in ADMIN_ROLE_IDS): `/reindex` re-reads the corpus and switches to the new index, `/stats` shows usage and answer times, `/gaps` lists the questions the articles could not answer.",
  "",
  "**Citations**",
  "Each `[n]` in an answer points to source n below it: the article's title, `file:lines` in the corpus, its date, and the exact words quoted. **Show passages** shows the whole passages, only to you. When the articles don't answer a question I say so, and list the nearest sources instead.",
  "",
  "**Conversations**",
  '**Follow up** opens a thread on an answer; mention me there ("tell me more about [2]") and I answer with the conversation in mind. You can also mention me with a question in any channel. 👍/👎 tell the people who run me how I\'m doing.',
].join("\n");

export default {
  data: new SlashCommandBuilder()
    .setName("help")
    .setDescription("What this bot does, its commands, and how citations work.")
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, context) {
    const commands = [...context.commands.keys()]
      .sort()
      .map((name) => `/${name}`)
      .join(", ");
    await interaction.reply({
      embeds: [{ title: "Newsdesk", description: HELP_TEXT, footer: { text: `Commands here: ${commands}` } }],
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_PINGS,
    });
  },
} satisfies Command;
