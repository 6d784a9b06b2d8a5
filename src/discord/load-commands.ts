// Finds the slash commands: every module in commands/, each checked; a bad one is skipped with a warning.
import { readdir } from "node:fs/promises";
import type { Logger } from "../base/log.js";
import type { Command } from "./command.js";

/** commands/ next to src/ — the same relative place in the source tree and in dist/. */
export const COMMANDS_DIR = new URL("../../commands/", import.meta.url);

/** Why a module's default export is not a Command, or undefined when it is one. */
export function findCommandProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "has no default export object";
  const { data, execute, handleButton } = value as Record<string, unknown>;
  if (typeof data !== "object" || data === null) return "has no `data`";
  const { name, toJSON } = data as Record<string, unknown>;
  if (typeof name !== "string" || !/^[-_\p{L}\p{N}]{1,32}$/u.test(name)) return "has no valid `data.name`";
  if (typeof toJSON !== "function") return "has `data` without toJSON() (use a SlashCommandBuilder)";
  if (typeof execute !== "function") return "has no `execute` function";
  if (handleButton !== undefined && typeof handleButton !== "function") return "has a `handleButton` that is not a function";
  return undefined;
}

function isModuleFile(name: string): boolean {
  return /\.(ts|js|mjs)$/.test(name) && !/\.d\.ts$|\.(test|spec)\.(ts|js)$/.test(name);
}

/** Imports each module of `dir` (a folder URL ending in "/") and returns the valid commands by name. */
export async function loadCommands(dir: URL, log: Logger): Promise<Map<string, Command>> {
  const commands = new Map<string, Command>();
  const files = (await readdir(dir)).filter(isModuleFile).sort();
  for (const file of files) {
    let imported: { default?: unknown };
    try {
      imported = (await import(new URL(file, dir).href)) as { default?: unknown };
    } catch (error) {
      log.warn({ file, err: error }, "command module failed to load; skipped");
      continue;
    }
    const problem = findCommandProblem(imported.default);
    if (problem) {
      log.warn({ file, problem }, "not a command; skipped");
      continue;
    }
    const command = imported.default as Command;
    if (commands.has(command.data.name)) {
      log.warn({ file, name: command.data.name }, "duplicate command name; skipped");
      continue;
    }
    commands.set(command.data.name, command);
  }
  log.debug({ commands: [...commands.keys()] }, "commands loaded");
  return commands;
}
