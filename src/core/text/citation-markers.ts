// Citation markers, "[1]", "[2, 3]", "[2–4]": the one pattern every reader and writer of them uses.

/** The numbers inside a marker: "1", "1, 2", "1;2", "2–4". */
const MARKER_NUMBERS = String.raw`\d+(?:\s*[,;–-]\s*\d+)*`;

/**
 * A citation marker, global: "[1]", "[1, 2]", "[2–4]", and the "[passage 3]" or "[Source 3]" a model may
 * write (case-insensitive). Group 1 holds the numbers (readCitationMarker reads them). Global, so only for
 * matchAll and replace, which do not keep its lastIndex.
 */
export const CITATION_MARKER = new RegExp(String.raw`\[(?:(?:passage|source)\s*)?(${MARKER_NUMBERS})\]`, "gi");

/** Markers of digits only, as answers print them (sentence splitting keeps them with their sentence). */
export const PRINTED_CITATION_MARKERS = new RegExp(String.raw`^(?:[ \t]*\[${MARKER_NUMBERS}\])+`);

/** The passage numbers a marker cites, ranges spelled out ("[2–4]" → 2, 3, 4; at most 20 of one range). */
export function readCitationMarker(marker: string): number[] {
  const numbers: number[] = [];
  for (const match of marker.matchAll(CITATION_MARKER)) {
    for (const part of match[1].split(/\s*[,;]\s*/)) {
      const range = /^(\d+)\s*[–-]\s*(\d+)$/.exec(part);
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        for (let n = from; n <= to && n - from < 20; n += 1) numbers.push(n);
      } else numbers.push(Number(part));
    }
  }
  return numbers;
}

/** `text` without its printed citation markers (and the spaces before them). */
export function stripCitationMarkers(text: string): string {
  return text.replace(new RegExp(String.raw`\s*\[${MARKER_NUMBERS}\]`, "g"), "");
}
