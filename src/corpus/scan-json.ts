// Finds where JSON values start and end without parsing them, so each record of a .json file can be parsed
// (and, if malformed, skipped) on its own, and its text field located on its file lines.

export interface JsonSlice {
  start: number;
  end: number;
}

export function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  return i;
}

/** Index just past the string starting at `i` (a `"`), or -1 when it never closes. */
export function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === '"') return j + 1;
  }
  return -1;
}

/** Index just past the value starting at `i`, or -1 when it never ends. Always advances on garbage. */
export function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') {
        const end = skipString(text, j);
        if (end === -1) return -1;
        j = end - 1;
      } else if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < text.length && !',]}{[" \n\r\t'.includes(text[j])) j++;
  return Math.max(j, i + 1);
}

/**
 * The records of a JSON document: the elements of a top-level array, a top-level object, or several
 * concatenated values (JSON Lines saved as .json). `end: -1` marks a record that never closes.
 */
export function sliceTopLevelRecords(text: string): JsonSlice[] {
  const records: JsonSlice[] = [];
  let i = skipWhitespace(text, 0);
  while (i < text.length) {
    if (text[i] === "[") {
      i = skipWhitespace(text, i + 1);
      while (i < text.length && text[i] !== "]") {
        const end = skipValue(text, i);
        records.push({ start: i, end });
        if (end === -1) return records;
        i = skipWhitespace(text, end);
        if (text[i] === ",") i = skipWhitespace(text, i + 1);
      }
      i = skipWhitespace(text, i + 1);
    } else {
      const end = skipValue(text, i);
      records.push({ start: i, end });
      if (end === -1) return records;
      i = skipWhitespace(text, end);
      if (text[i] === ",") i = skipWhitespace(text, i + 1);
    }
  }
  return records;
}

/** Where each top-level field's value sits inside a well-formed object slice. */
export function locateObjectFields(text: string, object: JsonSlice): Map<string, JsonSlice> {
  const fields = new Map<string, JsonSlice>();
  let i = skipWhitespace(text, object.start + 1);
  while (i < object.end && text[i] === '"') {
    const keyEnd = skipString(text, i);
    if (keyEnd === -1) break;
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWhitespace(text, keyEnd);
    if (text[i] !== ":") break;
    const valueStart = skipWhitespace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    if (valueEnd === -1) break;
    // The last of duplicate keys, as JSON.parse keeps it: the cited lines must hold the text quoted.
    fields.set(key, { start: valueStart, end: valueEnd });
    i = skipWhitespace(text, valueEnd);
    if (text[i] !== ",") break;
    i = skipWhitespace(text, i + 1);
  }
  return fields;
}
