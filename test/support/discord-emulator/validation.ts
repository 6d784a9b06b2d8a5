/**
 * Discord's rules for what it accepts, as pure functions over payloads: message limits (50035 issues), empty
 * messages (50006), command registrations, modals, thread names, and who a message pings. No server here, so a
 * render test can check a payload directly; the REST handlers call the same functions.
 */
import { ApplicationCommandType, ButtonStyle, ComponentType, MessageFlags } from "discord.js";
import type { FormIssue, Payload, Pings } from "./types.js";

export const NO_PINGS: Pings = Object.freeze({ everyone: false, users: [], roles: [], repliedUser: false }) as Pings;

/** Discord's message limits, as the emulator enforces them. */
export const DISCORD_LIMITS = Object.freeze({
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooterText: 2048,
  embedAuthorName: 256,
  embedTotal: 6000,
  actionRows: 5,
  componentsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  selectOptions: 25,
  selectPlaceholder: 150,
  threadName: 100,
  modalTitle: 45,
  autocompleteChoices: 25,
});

/** Discord counts lengths in code points, not UTF-16 units. */
const codePoints = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

const textLength = (value: unknown): number => (typeof value === "string" ? codePoints(value) : 0);

function checkMaxLength(issues: FormIssue[], path: FormIssue["path"], value: unknown, max: number): void {
  const length = Array.isArray(value) ? value.length : textLength(value);
  if (length > max) issues.push({ path, code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` });
}

function checkRequiredText(issues: FormIssue[], path: FormIssue["path"], value: unknown): void {
  if (typeof value !== "string" || value.trim() === "") {
    issues.push({ path, code: "BASE_TYPE_REQUIRED", message: "This field is required" });
  }
}

/** Everything Discord would refuse in a message body (create or edit), as 50035 issues. Empty when acceptable. */
export function findMessageProblems(message: Payload): FormIssue[] {
  const issues: FormIssue[] = [];
  checkMaxLength(issues, ["content"], message.content, DISCORD_LIMITS.content);
  checkEmbeds(issues, message.embeds);
  if (!((Number(message.flags) || 0) & MessageFlags.IsComponentsV2)) checkComponents(issues, message.components);
  checkAllowedMentions(issues, message.allowed_mentions);
  return issues;
}

/** Discord answers 50006 (not 50035) to a new message with nothing in it. */
export function isEmptyMessage(message: Payload, fileCount = 0): boolean {
  const hasContent = typeof message.content === "string" && message.content.trim() !== "";
  const hasList = (key: string) => Array.isArray(message[key]) && message[key].length > 0;
  return !hasContent && !hasList("embeds") && !hasList("components") && !hasList("sticker_ids") && !message.poll && fileCount === 0;
}

function checkEmbeds(issues: FormIssue[], embeds: unknown): void {
  if (!Array.isArray(embeds)) return;
  checkMaxLength(issues, ["embeds"], embeds, DISCORD_LIMITS.embeds);
  let total = 0;
  embeds.forEach((embed: Payload, index) => {
    const at = (...rest: Array<string | number>) => ["embeds", index, ...rest];
    checkMaxLength(issues, at("title"), embed?.title, DISCORD_LIMITS.embedTitle);
    checkMaxLength(issues, at("description"), embed?.description, DISCORD_LIMITS.embedDescription);
    checkMaxLength(issues, at("footer", "text"), embed?.footer?.text, DISCORD_LIMITS.embedFooterText);
    checkMaxLength(issues, at("author", "name"), embed?.author?.name, DISCORD_LIMITS.embedAuthorName);
    total += textLength(embed?.title) + textLength(embed?.description);
    total += textLength(embed?.footer?.text) + textLength(embed?.author?.name);
    const fields: Payload[] = Array.isArray(embed?.fields) ? embed.fields : [];
    checkMaxLength(issues, at("fields"), fields, DISCORD_LIMITS.embedFields);
    fields.forEach((field, fieldIndex) => {
      checkRequiredText(issues, at("fields", fieldIndex, "name"), field?.name);
      checkRequiredText(issues, at("fields", fieldIndex, "value"), field?.value);
      checkMaxLength(issues, at("fields", fieldIndex, "name"), field?.name, DISCORD_LIMITS.embedFieldName);
      checkMaxLength(issues, at("fields", fieldIndex, "value"), field?.value, DISCORD_LIMITS.embedFieldValue);
      total += textLength(field?.name) + textLength(field?.value);
    });
  });
  if (total > DISCORD_LIMITS.embedTotal) {
    issues.push({
      path: ["embeds"],
      code: "MAX_EMBED_SIZE_EXCEEDED",
      message: `Embed size exceeds maximum size of ${DISCORD_LIMITS.embedTotal}`,
    });
  }
}

function checkComponents(issues: FormIssue[], rows: unknown): void {
  if (!Array.isArray(rows)) return;
  checkMaxLength(issues, ["components"], rows, DISCORD_LIMITS.actionRows);
  const seenCustomIds = new Set<string>();
  rows.forEach((row: Payload, rowIndex) => {
    if (row?.type !== ComponentType.ActionRow) {
      issues.push({ path: ["components", rowIndex, "type"], code: "UNION_TYPE_CHOICES", message: 'Value of field "type" must be one of (1,).' });
      return;
    }
    const children: Payload[] = Array.isArray(row.components) ? row.components : [];
    const rowPath = ["components", rowIndex, "components"];
    if (children.length === 0) issues.push({ path: rowPath, code: "BASE_TYPE_MIN_LENGTH", message: "Must be 1 or more in length." });
    checkMaxLength(issues, rowPath, children, DISCORD_LIMITS.componentsPerRow);
    if (children.length > 1 && children.some((child) => child?.type !== ComponentType.Button)) {
      issues.push({ path: rowPath, code: "COMPONENT_LAYOUT_WIDTH_EXCEEDED", message: "The specified component exceeds the maximum width" });
    }
    children.forEach((child, childIndex) => {
      const path = [...rowPath, childIndex];
      if (child?.type === ComponentType.Button) checkButton(issues, path, child);
      else checkSelectMenu(issues, path, child);
      if (typeof child?.custom_id === "string") {
        if (seenCustomIds.has(child.custom_id)) {
          issues.push({ path: [...path, "custom_id"], code: "COMPONENT_CUSTOM_ID_DUPLICATED", message: "Component custom id cannot be duplicated" });
        }
        seenCustomIds.add(child.custom_id);
      }
    });
  });
}

function checkButton(issues: FormIssue[], path: FormIssue["path"], button: Payload): void {
  checkMaxLength(issues, [...path, "label"], button.label, DISCORD_LIMITS.buttonLabel);
  if (button.style === ButtonStyle.Link) {
    checkRequiredText(issues, [...path, "url"], button.url);
    if (button.custom_id !== undefined) {
      issues.push({ path: [...path, "custom_id"], code: "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", message: "A link button cannot have a custom id" });
    }
  } else if (button.style !== ButtonStyle.Premium) {
    checkRequiredText(issues, [...path, "custom_id"], button.custom_id);
    checkMaxLength(issues, [...path, "custom_id"], button.custom_id, DISCORD_LIMITS.customId);
  }
  if (button.style !== ButtonStyle.Premium && !button.label && !button.emoji) {
    issues.push({ path, code: "BUTTON_COMPONENT_MISSING_LABEL_OR_EMOJI", message: "A button must have a label or an emoji" });
  }
}

function checkSelectMenu(issues: FormIssue[], path: FormIssue["path"], menu: Payload): void {
  checkRequiredText(issues, [...path, "custom_id"], menu?.custom_id);
  checkMaxLength(issues, [...path, "custom_id"], menu?.custom_id, DISCORD_LIMITS.customId);
  checkMaxLength(issues, [...path, "placeholder"], menu?.placeholder, DISCORD_LIMITS.selectPlaceholder);
  if (menu?.type === ComponentType.StringSelect) {
    const options = Array.isArray(menu.options) ? menu.options : [];
    if (options.length === 0) issues.push({ path: [...path, "options"], code: "BASE_TYPE_MIN_LENGTH", message: "Must be 1 or more in length." });
    checkMaxLength(issues, [...path, "options"], options, DISCORD_LIMITS.selectOptions);
  }
}

function checkAllowedMentions(issues: FormIssue[], allowed: unknown): void {
  if (allowed == null || typeof allowed !== "object") return;
  const { parse, users, roles } = allowed as Payload;
  const parsed: unknown[] = Array.isArray(parse) ? parse : [];
  for (const [kind, list] of [
    ["users", users],
    ["roles", roles],
  ] as const) {
    if (parsed.includes(kind) && Array.isArray(list) && list.length > 0) {
      issues.push({
        path: ["allowed_mentions"],
        code: "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        message: `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`,
      });
    }
  }
  parsed.forEach((value, index) => {
    if (value !== "users" && value !== "roles" && value !== "everyone") {
      issues.push({
        path: ["allowed_mentions", "parse", index],
        code: "BASE_TYPE_CHOICES",
        message: "Value must be one of ('roles', 'users', 'everyone').",
      });
    }
  });
}

/** Discord's nested error object: { content: { _errors: [{ code, message }] } }. */
export function nestFormIssues(issues: FormIssue[], prefix: Array<string | number> = []): Payload {
  const root: Payload = {};
  for (const issue of issues) {
    let node = root;
    for (const key of [...prefix, ...issue.path]) node = node[String(key)] ??= {};
    (node._errors ??= []).push({ code: issue.code, message: issue.message });
  }
  return root;
}

/**
 * Who a message would notify on Discord, from its content and allowed_mentions. Embeds never ping; without
 * allowed_mentions everything mentioned in the content is notified, a reply's author included.
 */
export function computePings(message: Payload | undefined): Pings {
  const content = typeof message?.content === "string" ? message.content : "";
  const users = mentionedUserIds(content);
  const roles = [...new Set(mentionedRoleIds(content))];
  const everyone = /@(everyone|here)\b/.test(content);
  const isReply = Boolean(message?.message_reference);
  const allowed = message?.allowed_mentions;
  if (allowed == null) return { everyone, users, roles, repliedUser: isReply };
  const parse: unknown[] = Array.isArray(allowed.parse) ? allowed.parse : [];
  const listed = (list: unknown) => (Array.isArray(list) ? list.map(String) : []);
  return {
    everyone: everyone && parse.includes("everyone"),
    users: parse.includes("users") ? users : users.filter((id) => listed(allowed.users).includes(id)),
    roles: parse.includes("roles") ? roles : roles.filter((id) => listed(allowed.roles).includes(id)),
    repliedUser: isReply && allowed.replied_user === true,
  };
}

/** The user ids a content mentions (`<@id>`, `<@!id>`), each once, in order of appearance. */
export function mentionedUserIds(content: string): string[] {
  return [...new Set([...content.matchAll(/<@!?(\d+)>/g)].map((match) => match[1]))];
}

/** The role ids a content mentions (`<@&id>`), repeats kept, as Discord stores `mention_roles`. */
export function mentionedRoleIds(content: string): string[] {
  return [...content.matchAll(/<@&(\d+)>/g)].map((match) => match[1]);
}

/** What Discord refuses in an autocomplete result (`data` of callback type 8). */
export function findAutocompleteProblems(data: Payload): FormIssue[] {
  const issues: FormIssue[] = [];
  checkMaxLength(issues, ["choices"], Array.isArray(data.choices) ? data.choices : [], DISCORD_LIMITS.autocompleteChoices);
  return issues;
}

/** What Discord refuses in a modal (`data` of callback type 9). */
export function findModalProblems(data: Payload): FormIssue[] {
  const issues: FormIssue[] = [];
  checkRequiredText(issues, ["title"], data.title);
  checkMaxLength(issues, ["title"], data.title, DISCORD_LIMITS.modalTitle);
  checkRequiredText(issues, ["custom_id"], data.custom_id);
  checkMaxLength(issues, ["custom_id"], data.custom_id, DISCORD_LIMITS.customId);
  checkMaxLength(issues, ["components"], data.components, MODAL_ROWS);
  return issues;
}

/** What Discord refuses in the name of a new thread. */
export function findThreadNameProblems(body: Payload | undefined): FormIssue[] {
  const issues: FormIssue[] = [];
  checkRequiredText(issues, ["name"], body?.name);
  checkMaxLength(issues, ["name"], body?.name, DISCORD_LIMITS.threadName);
  return issues;
}

const MODAL_ROWS = 5;
const COMMAND_DESCRIPTION = 100;
const COMMAND_OPTIONS = 25;
const OPTION_CHOICES = 25;
const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** What Discord refuses in a command registration (the parts a deploy script can get wrong). */
export function findCommandProblems(command: Payload): FormIssue[] {
  const issues: FormIssue[] = [];
  const type = command.type ?? ApplicationCommandType.ChatInput;
  if (
    typeof command.name !== "string" ||
    !COMMAND_NAME.test(command.name) ||
    (type === ApplicationCommandType.ChatInput && command.name !== command.name.toLowerCase())
  ) {
    issues.push({ path: ["name"], code: "APPLICATION_COMMAND_INVALID_NAME", message: "Command name is invalid" });
  }
  if (type === ApplicationCommandType.ChatInput) {
    checkRequiredText(issues, ["description"], command.description);
    checkMaxLength(issues, ["description"], command.description, COMMAND_DESCRIPTION);
  }
  const options: Payload[] = Array.isArray(command.options) ? command.options : [];
  checkMaxLength(issues, ["options"], options, COMMAND_OPTIONS);
  let sawOptional = false;
  options.forEach((option, index) => {
    if (typeof option.name !== "string" || !COMMAND_NAME.test(option.name) || option.name !== option.name.toLowerCase()) {
      issues.push({ path: ["options", index, "name"], code: "APPLICATION_COMMAND_INVALID_NAME", message: "Command name is invalid" });
    }
    checkRequiredText(issues, ["options", index, "description"], option.description);
    checkMaxLength(issues, ["options", index, "description"], option.description, COMMAND_DESCRIPTION);
    checkMaxLength(issues, ["options", index, "choices"], option.choices, OPTION_CHOICES);
    if (option.required && sawOptional) {
      issues.push({
        path: ["options"],
        code: "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        message: "Required options must be placed before non-required options",
      });
    }
    if (!option.required) sawOptional = true;
  });
  return issues;
}
