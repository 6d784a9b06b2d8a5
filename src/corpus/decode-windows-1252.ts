// Windows-1252 by table: Node 20's TextDecoder("windows-1252") silently decodes ISO-8859-1 instead, which
// turns curly quotes, dashes and € (bytes 0x80–0x9F) into invisible control characters.

const HIGH_CONTROLS = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";
const CHUNK = 8192;

export function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const codes = new Uint16Array(Math.min(bytes.length, CHUNK));
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    const end = Math.min(bytes.length, offset + CHUNK);
    for (let i = offset; i < end; i++) {
      const b = bytes[i];
      codes[i - offset] = b >= 0x80 && b <= 0x9f ? HIGH_CONTROLS.charCodeAt(b - 0x80) : b;
    }
    parts.push(String.fromCharCode(...codes.subarray(0, end - offset)));
  }
  return parts.join("");
}
