// Admin-only commands are hidden by `default_member_permissions`, and checked again at run time: a server admin
// can make a command visible to anyone (Server Settings → Integrations), and that must not let anyone run it.
import { PermissionFlagsBits, type ButtonInteraction, type ChatInputCommandInteraction } from "discord.js";

/** The permission admin commands declare as their default; Administrator implies it. */
export const ADMIN_PERMISSION = PermissionFlagsBits.ManageGuild;

export const ADMIN_ONLY_MESSAGE =
  "Only members with the Manage Server permission (or an admin role set by the people who run me) can use this command.";

/** True when the member has Manage Server or Administrator, or one of `adminRoleIds`. */
export function isAdmin(interaction: ChatInputCommandInteraction | ButtonInteraction, adminRoleIds: readonly string[]): boolean {
  // `has` counts Administrator as every permission.
  if (interaction.memberPermissions?.has(ADMIN_PERMISSION)) return true;
  const member = interaction.member;
  if (!member || adminRoleIds.length === 0) return false;
  // A cached GuildMember has a role manager; an uncached member arrives as the raw API object with role ids.
  const roles: readonly string[] = Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return roles.some((id) => adminRoleIds.includes(id));
}
