// Test text with no sentence end at all, as a feed dump can be: lower-case words from a fixed seed.
export function unpunctuated(chars: number, seed = 7): string {
  const vocabulary =
    "river market bridge morning council road school water garden train station quiet evening field office paper window yellow simple number".split(
      " ",
    );
  let state = seed;
  const words: string[] = [];
  let length = 0;
  while (length < chars) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const word = vocabulary[state % vocabulary.length]!;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(" ");
}
