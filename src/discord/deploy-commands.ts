// Registers the slash commands with Discord: in one guild (instant) when a guild id is given, else globally.
import { REST, Routes, type RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import type { Command } from "./command.js";

export interface DeployOptions {
  commands: Iterable<Command>;
  token?: string;
  clientId?: string;
  guildId?: string;
  /** REST base URL (DISCORD_API_URL), e.g. for a proxy or the test emulator. */
  api?: string;
  /** Print what would be sent and send nothing. */
  dryRun?: boolean;
  print?: (text: string) => void;
}

export interface DeployResult {
  scope: "guild" | "global";
  route: string;
  body: RESTPostAPIChatInputApplicationCommandsJSONBody[];
  sent: boolean;
  registered: number;
}

export async function deployCommands(options: DeployOptions): Promise<DeployResult> {
  const body = [...options.commands].map((command) => command.data.toJSON());
  const clientId = options.clientId ?? "<DISCORD_CLIENT_ID>";
  const scope = options.guildId ? "guild" : "global";
  const route = options.guildId ? Routes.applicationGuildCommands(clientId, options.guildId) : Routes.applicationCommands(clientId);
  if (options.dryRun) {
    options.print?.(JSON.stringify({ method: "PUT", route: decodeURIComponent(route), body }, null, 2));
    return { scope, route, body, sent: false, registered: 0 };
  }
  if (!options.token || !options.clientId) throw new Error("deployCommands needs a token and a client id");
  const rest = new REST(options.api ? { api: options.api } : {}).setToken(options.token);
  const registered = (await rest.put(route, { body })) as unknown[];
  return { scope, route, body, sent: true, registered: Array.isArray(registered) ? registered.length : 0 };
}
