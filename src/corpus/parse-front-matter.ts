// A tiny reader for the YAML front matter news exports use: flat `key: value` lines, values optionally quoted.
// Nested YAML is not needed for title/url/date/source, so no YAML dependency.

export interface FrontMatter {
  /** Lower-cased keys → unquoted values. */
  fields: Record<string, string>;
  /** 0-based index of the first line after the closing `---`. */
  bodyStart: number;
}

/** Front matter must close within this many lines, so a `---` rule at the top of a text is not mistaken for it. */
const MAX_FRONT_MATTER_LINES = 200;
const KEY_VALUE = /^([A-Za-z_][\w-]*)\s*:(?:\s+(.*))?$/;

export function parseFrontMatter(lines: string[]): FrontMatter | undefined {
  if (lines[0]?.trim() !== "---") return undefined;
  const limit = Math.min(lines.length, MAX_FRONT_MATTER_LINES);
  let close = -1;
  for (let i = 1; i < limit; i++) {
    const line = lines[i].trim();
    if (line === "---" || line === "...") {
      close = i;
      break;
    }
  }
  if (close === -1) return undefined;

  const inner = lines.slice(1, close).filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));
  if (inner.length === 0 || !KEY_VALUE.test(inner[0])) return undefined;
  const fields: Record<string, string> = {};
  for (const line of inner) {
    const match = KEY_VALUE.exec(line);
    if (!match) continue; // continuation lines of nested YAML: not needed
    const value = unquote((match[2] ?? "").trim());
    if (value !== "") fields[match[1].toLowerCase()] = value;
  }
  return { fields, bodyStart: close + 1 };
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === "string") return parsed;
    } catch {
      // YAML double quotes allow escapes JSON does not; the raw inside is close enough for a title.
    }
    return value.slice(1, -1);
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replace(/''/g, "'");
  return value.replace(/\s+#.*$/, "");
}
