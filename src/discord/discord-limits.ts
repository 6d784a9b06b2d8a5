// Discord rejects a message that breaks any of these; everything the bot sends is checked against them.
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from "discord.js";

export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** Title, description, field names and values, footer and author of all embeds of one message together. */
  embedsTotal: 6000,
  actionRows: 5,
  componentsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  threadName: 100,
} as const;

/** What the bot sends: plain API data, so that rendering stays testable without a client. */
export interface RenderedMessage {
  content?: string;
  embeds: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

/** The characters Discord counts toward the 6,000 total of one embed. */
export function countEmbedText(embed: APIEmbed): number {
  let total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  total += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/** Every limit the message breaks, described; empty when Discord would accept it. */
export function findLimitViolations(message: RenderedMessage): string[] {
  const L = DISCORD_LIMITS;
  const problems: string[] = [];
  const over = (what: string, length: number, max: number) => {
    if (length > max) problems.push(`${what} is ${length} > ${max}`);
  };
  over("content", message.content?.length ?? 0, L.content);
  over("embed count", message.embeds.length, L.embeds);
  message.embeds.forEach((embed, e) => {
    over(`embed ${e} title`, embed.title?.length ?? 0, L.embedTitle);
    over(`embed ${e} description`, embed.description?.length ?? 0, L.embedDescription);
    over(`embed ${e} footer`, embed.footer?.text.length ?? 0, L.footerText);
    over(`embed ${e} author`, embed.author?.name.length ?? 0, L.authorName);
    over(`embed ${e} field count`, embed.fields?.length ?? 0, L.fields);
    embed.fields?.forEach((field, f) => {
      over(`embed ${e} field ${f} name`, field.name.length, L.fieldName);
      over(`embed ${e} field ${f} value`, field.value.length, L.fieldValue);
      if (!field.name.trim() || !field.value.trim()) problems.push(`embed ${e} field ${f} is empty`);
    });
  });
  over(
    "embed text in total",
    message.embeds.reduce((sum, embed) => sum + countEmbedText(embed), 0),
    L.embedsTotal,
  );
  const rows = message.components ?? [];
  over("action rows", rows.length, L.actionRows);
  rows.forEach((row, r) => {
    over(`row ${r} components`, row.components.length, L.componentsPerRow);
    for (const component of row.components) {
      if ("custom_id" in component && component.custom_id !== undefined) {
        over(`custom_id ${component.custom_id}`, component.custom_id.length, L.customId);
      }
      if ("label" in component && component.label !== undefined) {
        over(`button label ${component.label}`, component.label.length, L.buttonLabel);
      }
    }
  });
  if (!message.content?.trim() && message.embeds.length === 0) problems.push("message is empty");
  return problems;
}
