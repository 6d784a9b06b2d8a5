// The command-line front ends' I/O as plain data: what they print is captured, stdin is given lines or a terminal.
import { Readable } from "node:stream";
import type { CliIo } from "../../src/cli/cli-io.js";

export function createFakeCliIo(env: Record<string, string | undefined>, stdinLines?: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdin = stdinLines ? Readable.from(stdinLines.map((l) => `${l}\n`)) : Object.assign(Readable.from([]), { isTTY: true });
  const io: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    stdin,
    env,
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}
