// Lays blocks of text out as embeds across as many messages as Discord's per-message limits require.
import type { APIEmbed, APIEmbedField } from "discord.js";
import { DISCORD_LIMITS as L, countEmbedText, type RenderedMessage } from "./discord-limits.js";
import { trimAtSentence } from "./split-text.js";

export type EmbedBlock =
  /** Starts a new embed; `description` should already fit 4,096 characters (it is trimmed otherwise). */
  | { kind: "text"; title?: string; description: string; url?: string /** Fields of this section may join it. */; section?: string }
  /** Joins the current embed when it belongs to the same section and has room, else starts one headed `section`. */
  | { kind: "field"; section: string; field: APIEmbedField };

export interface PackOptions {
  color?: number;
  /** Shown under the last embed, when there is room for it. */
  footer?: string;
}

/** Packs blocks in order into messages that each respect every embed limit. */
export function packEmbeds(blocks: EmbedBlock[], options: PackOptions = {}): RenderedMessage[] {
  const messages: RenderedMessage[] = [];
  let embeds: APIEmbed[] = [];
  let total = 0;
  let openSection: string | undefined;
  const newMessage = () => {
    if (embeds.length) messages.push({ embeds });
    embeds = [];
    total = 0;
  };
  const addEmbed = (embed: APIEmbed) => {
    const size = countEmbedText(embed);
    if (total + size > L.embedsTotal || embeds.length >= L.embeds) newMessage();
    embeds.push(embed);
    total += size;
  };
  const withColor = (embed: APIEmbed): APIEmbed => (options.color === undefined ? embed : { ...embed, color: options.color });

  for (const block of blocks) {
    if (block.kind === "text") {
      const description = trimAtSentence(block.description, L.embedDescription);
      const title = block.title === undefined ? undefined : trimAtSentence(block.title, L.embedTitle);
      addEmbed(withColor({ ...(title ? { title } : {}), ...(block.url && title ? { url: block.url } : {}), description }));
      openSection = block.section;
      continue;
    }
    const field: APIEmbedField = {
      name: trimAtSentence(block.field.name, L.fieldName) || "\u200b",
      value: trimAtSentence(block.field.value, L.fieldValue) || "\u200b",
    };
    const size = field.name.length + field.value.length;
    const last = embeds.at(-1);
    if (last && openSection === block.section && (last.fields?.length ?? 0) < L.fields && total + size <= L.embedsTotal) {
      last.fields = [...(last.fields ?? []), field];
      total += size;
    } else {
      const continued = openSection === block.section;
      addEmbed(withColor({ title: continued ? `${block.section} (continued)` : block.section, fields: [field] }));
      openSection = block.section;
    }
  }
  newMessage();

  const footer = options.footer?.trim();
  const lastMessage = messages.at(-1);
  const lastEmbed = lastMessage?.embeds.at(-1);
  if (footer && lastMessage && lastEmbed) {
    const room = L.embedsTotal - lastMessage.embeds.reduce((sum, embed) => sum + countEmbedText(embed), 0);
    const text = trimAtSentence(footer, Math.min(L.footerText, room));
    if (text.length >= Math.min(footer.length, 20)) lastEmbed.footer = { text };
  }
  return messages;
}
