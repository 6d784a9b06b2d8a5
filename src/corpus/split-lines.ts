/**
 * Splits text into file lines the way `sed -n Np` and `wc -l` count them: only "\n" ends a line, and a
 * trailing "\r" (CRLF files) is dropped, so line numbers never shift.
 */
export function splitLines(text: string): string[] {
  return text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** 1-based line number of each character offset, by binary search over the line starts. */
export function createLineLocator(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}
