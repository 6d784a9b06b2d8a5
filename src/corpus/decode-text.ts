// Bytes → text, or a reason why the bytes are not text. Encoding guesses are deliberately conservative:
// a wrong guess would put mojibake into quotes that claim to be verbatim.
import { decodeWindows1252 } from "./decode-windows-1252.js";

export interface DecodedText {
  text: string;
  encoding: "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";
  /** 1-based lines left out (as empty lines) because they were not valid UTF-8 in an otherwise UTF-8 file. */
  badLines: number[];
}

const BINARY_SAMPLE_BYTES = 64 * 1024;
/** More control characters than this share of a sample means the file is not text. */
const MAX_CONTROL_SHARE = 0.02;
/** In Windows-1252 text, bytes ≥ 0x80 are mostly lone accented letters; in multi-byte encodings they come in runs. */
const MAX_ADJACENT_HIGH_SHARE = 0.5;

export function decodeText(bytes: Uint8Array): DecodedText | { reason: string } {
  if (bytes.length === 0) return { reason: "empty file" };
  const decoded = decodeBytes(bytes);
  if ("reason" in decoded) return decoded;
  if (decoded.text.trim() === "") return { reason: "empty file (only whitespace)" };
  // One spelling of every accented letter (NFC), as questions get: "Nuñez" typed and "Nun\u0303ez" saved
  // (macOS, some feeds) are otherwise different words. Composing never adds or removes a line break.
  return { ...decoded, text: decoded.text.normalize("NFC") };
}

function decodeBytes(bytes: Uint8Array): DecodedText | { reason: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeWhole(bytes.subarray(2), "utf-16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeWhole(bytes.subarray(2), "utf-16be");
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;

  const binary = describeBinary(body);
  if (binary) return { reason: binary };

  const utf8 = tryDecode(body, "utf-8");
  if (utf8 !== undefined) return { text: utf8, encoding: "utf-8", badLines: [] };

  const lines = splitByteLines(body);
  const decodedLines = lines.map((line) => tryDecode(line, "utf-8"));
  const utf8Evidence = lines.filter((line, i) => decodedLines[i] !== undefined && line.some((b) => b >= 0x80)).length;
  const badLines = decodedLines.flatMap((line, i) => (line === undefined ? [i + 1] : []));
  if (utf8Evidence >= badLines.length && badLines.length < lines.length) {
    return { text: decodedLines.map((line) => line ?? "").join("\n"), encoding: "utf-8", badLines };
  }
  if (looksSingleByte(body)) {
    return { text: decodeWindows1252(body), encoding: "windows-1252", badLines: [] };
  }
  return { reason: "not valid UTF-8, and not Latin-1/Windows-1252 text either (unknown encoding)" };
}

function decodeWhole(bytes: Uint8Array, encoding: "utf-16le" | "utf-16be"): DecodedText | { reason: string } {
  const text = tryDecode(bytes, encoding);
  if (text === undefined) return { reason: `not valid ${encoding.toUpperCase()} despite its byte order mark` };
  if (text.includes("\u0000")) return { reason: "binary file (contains NUL characters)" };
  return { text, encoding, badLines: [] };
}

function tryDecode(bytes: Uint8Array, encoding: string): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function describeBinary(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return "binary file (contains NUL bytes)";
  const sample = bytes.subarray(0, BINARY_SAMPLE_BYTES);
  let controls = 0;
  for (const b of sample) {
    // Tab, line feed, vertical tab, form feed, carriage return and escape do occur in text files.
    if ((b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) || b === 0x7f) controls++;
  }
  const share = controls / sample.length;
  return share > MAX_CONTROL_SHARE ? `binary file (${Math.round(share * 100)}% control characters)` : undefined;
}

function looksSingleByte(bytes: Uint8Array): boolean {
  let high = 0;
  let adjacent = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0x80) continue;
    high++;
    if ((i > 0 && bytes[i - 1] >= 0x80) || (i + 1 < bytes.length && bytes[i + 1] >= 0x80)) adjacent++;
  }
  return high > 0 && adjacent / high <= MAX_ADJACENT_HIGH_SHARE;
}

function splitByteLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
    lines.push(bytes.subarray(start, i));
    start = i + 1;
  }
  lines.push(bytes.subarray(start));
  return lines;
}
