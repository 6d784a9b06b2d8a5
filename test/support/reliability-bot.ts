// The checks the reliability suites share: which calls carried a message, what a member could read in it, who
// it would ping, and which links it hides (the bot itself starts through harness.ts).
import { computePings, messagePayloadOf, type DiscordEmulator, type Payload, type RecordedCall, type SentInteraction } from "./discord-emulator.js";

/** Calls that carried a message (content or embeds) to Discord. */
export function messageCalls(calls: RecordedCall[]): RecordedCall[] {
  return calls.filter((c) => {
    if (c.method === "GET" || c.method === "DELETE") return false;
    const message = messagePayloadOf(c);
    return Boolean(message && (message.content || message.embeds?.length));
  });
}

/** Every piece of text a member could read in a message: content, embed titles, descriptions, fields, footers. */
export function visibleText(message: Payload | undefined): string {
  if (!message) return "";
  const embeds: Payload[] = message.embeds ?? [];
  return [
    message.content ?? "",
    ...embeds.flatMap((e) => [
      e.title,
      e.description,
      e.footer?.text,
      e.author?.name,
      ...(e.fields ?? []).flatMap((f: Payload) => [f.name, f.value]),
    ]),
  ]
    .filter((part): part is string => typeof part === "string")
    .join("\n");
}

/** What pings a message would cause on Discord, and whether its content shows a mass or member mention at all. */
export function describeMentions(message: Payload | undefined): {
  pings: ReturnType<typeof computePings>;
  parse: unknown;
  contentMentions: string[];
} {
  const content = typeof message?.content === "string" ? message.content : "";
  return {
    pings: computePings(message),
    parse: message?.allowed_mentions?.parse,
    contentMentions: content.match(/@(everyone|here)\b|<@[!&]?\d+>/g) ?? [],
  };
}

/** Masked links `[text](url)` that Discord would render: neither bracket nor parenthesis escaped. */
export function maskedLinks(text: string): Array<{ text: string; url: string }> {
  const links: Array<{ text: string; url: string }> = [];
  for (const match of text.matchAll(/(?<!\\)\[((?:\\.|[^\]\\])*)\]\((<?[^)\s]+>?)(?:\s+"[^"]*")?\)/g)) {
    links.push({ text: match[1]!, url: match[2]!.replace(/^<|>$/g, "") });
  }
  return links;
}

/** An interaction's calls. */
export const callsFor = (emulator: DiscordEmulator, sent: SentInteraction) => emulator.calls.filter((c) => c.params.token === sent.token);

/** A gate the fake pipeline waits on: `open()` lets every waiting answer through. */
export function createGate(): { wait(): Promise<void>; open(): void; readonly waiting: number } {
  let waiters: Array<() => void> = [];
  return {
    wait: () => new Promise<void>((resolve) => waiters.push(resolve)),
    open: () => {
      const release = waiters;
      waiters = [];
      for (const resolve of release) resolve();
    },
    get waiting() {
      return waiters.length;
    },
  };
}
