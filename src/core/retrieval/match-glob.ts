// Source globs ("bbc/**", "{bbc,pages}/*.md", "[0-4]*.txt", "!bbc/**") matched in time linear in the path
// for each pattern state. Anyone in a Discord server can type a pattern, so matching must never backtrack:
// a regular expression (ours before, and picomatch's: `*a*a*a*a*a*a*a*a*a*a!` took 8.9 s over a 40-character
// name) can take exponential time on the main thread and freeze the bot. Here a pattern becomes a small
// automaton whose states are walked all at once, one path character at a time.

/** Longer patterns are refused (a path glob people type is far shorter). */
export const MAX_GLOB_LENGTH = 200;
/** Brace alternatives a pattern may expand to, counting every combination ("{a,b}{c,d}" is 4). */
export const MAX_GLOB_ALTERNATIVES = 64;

export class GlobError extends Error {
  override name = "GlobError";
}

type Token =
  | { kind: "char"; char: string }
  | { kind: "one" } // ?
  | { kind: "star" } // *: any run within one folder level
  | { kind: "globstar" } // ** not followed by "/": anything, across levels
  | { kind: "folders" } // **/: no folder, or any number of whole folders
  | { kind: "class"; negated: boolean; ranges: Array<[string, string]> };

interface Alternative {
  tokens: Token[];
  /** No "/" in the pattern: it may match from any folder level ("*.md" matches "a/b/c.md"). */
  anyDepth: boolean;
}

export interface CompiledGlob {
  negated: boolean;
  alternatives: Alternative[];
  /** Paths already answered: retrieval asks about the same few sources for thousands of candidates. */
  answers: Map<string, boolean>;
}

const ANSWERS_KEPT = 20_000;

/** `{a,b}` and `{1..5}` expanded, nested braces included; an unbalanced brace is a literal character. */
function expandBraces(pattern: string): string[] {
  const open = findBraceGroup(pattern);
  if (!open) return [pattern];
  const { start, end, options } = open;
  const head = pattern.slice(0, start);
  const tail = expandBraces(pattern.slice(end + 1));
  const out: string[] = [];
  for (const option of options) {
    for (const inner of expandBraces(option)) {
      for (const rest of tail) {
        out.push(head + inner + rest);
        if (out.length > MAX_GLOB_ALTERNATIVES) {
          throw new GlobError(`expands to more than ${MAX_GLOB_ALTERNATIVES} alternatives; use fewer {…} choices`);
        }
      }
    }
  }
  return out;
}

function findBraceGroup(pattern: string): { start: number; end: number; options: string[] } | null {
  for (let start = pattern.indexOf("{"); start >= 0; start = pattern.indexOf("{", start + 1)) {
    let depth = 0;
    const commas: number[] = [];
    for (let i = start; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === "{") depth++;
      else if (ch === "}" && --depth === 0) {
        const body = pattern.slice(start + 1, i);
        if (commas.length > 0) {
          const cuts = [start, ...commas, i];
          return { start, end: i, options: cuts.slice(0, -1).map((cut, k) => pattern.slice(cut + 1, cuts[k + 1])) };
        }
        const range = expandRange(body);
        if (range) return { start, end: i, options: range };
        break;
      } else if (ch === "," && depth === 1) commas.push(i);
    }
  }
  return null;
}

/** `1..12` or `a..e`; null when the body is not a range. Bounded like the alternatives. */
function expandRange(body: string): string[] | null {
  const numeric = /^(-?\d+)\.\.(-?\d+)$/.exec(body);
  const letters = /^([a-z])\.\.([a-z])$/i.exec(body);
  if (!numeric && !letters) return null;
  const [from, to] = numeric ? [Number(numeric[1]), Number(numeric[2])] : [letters![1].charCodeAt(0), letters![2].charCodeAt(0)];
  if (Math.abs(to - from) + 1 > MAX_GLOB_ALTERNATIVES) {
    throw new GlobError(`the range {${body}} has more than ${MAX_GLOB_ALTERNATIVES} values`);
  }
  const step = from <= to ? 1 : -1;
  const values: string[] = [];
  for (let n = from; n !== to + step; n += step) values.push(numeric ? String(n) : String.fromCharCode(n));
  return values;
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") {
      let run = 1;
      while (pattern[i + run] === "*") run++;
      i += run - 1;
      const previous = tokens.at(-1);
      if (run === 1) {
        // "**" after "*" (or "*" after "**") is the same set of paths: keep one state.
        if (previous?.kind !== "star" && previous?.kind !== "globstar") tokens.push({ kind: "star" });
      } else if (pattern[i + 1] === "/" && (i - run < 0 || pattern[i - run] === "/")) {
        i++;
        if (previous?.kind !== "folders") tokens.push({ kind: "folders" });
      } else {
        if (previous?.kind === "star") tokens.pop();
        if (previous?.kind !== "globstar") tokens.push({ kind: "globstar" });
      }
    } else if (ch === "?") tokens.push({ kind: "one" });
    else if (ch === "[") {
      const parsed = parseClass(pattern, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.end;
      } else tokens.push({ kind: "char", char: ch });
    } else tokens.push({ kind: "char", char: ch });
  }
  return tokens;
}

/** `[abc]`, `[0-4]`, `[!a-z]` or `[^a-z]`; null when the bracket is never closed (then it is literal). */
function parseClass(pattern: string, start: number): { token: Token; end: number } | null {
  let i = start + 1;
  const negated = pattern[i] === "!" || pattern[i] === "^";
  if (negated) i++;
  const ranges: Array<[string, string]> = [];
  for (let first = true; i < pattern.length; i++, first = false) {
    const ch = pattern[i];
    if (ch === "]" && !first) return { token: { kind: "class", negated, ranges }, end: i };
    if (pattern[i + 1] === "-" && pattern[i + 2] !== undefined && pattern[i + 2] !== "]") {
      ranges.push([ch, pattern[i + 2]]);
      i += 2;
    } else ranges.push([ch, ch]);
  }
  return null;
}

/** Compiles a source glob (case-insensitive, "\" read as "/"); throws a GlobError people can act on. */
export function compileGlob(glob: string): CompiledGlob {
  let pattern = glob.trim().replace(/\\/g, "/").toLowerCase();
  if (pattern.length > MAX_GLOB_LENGTH) throw new GlobError(`is ${pattern.length} characters long; the limit is ${MAX_GLOB_LENGTH}`);
  let negated = false;
  while (pattern.startsWith("!")) {
    negated = !negated;
    pattern = pattern.slice(1);
  }
  const alternatives = expandBraces(pattern).map((expanded) => {
    let text = expanded.replace(/^\.\//, "");
    const anyDepth = !text.includes("/");
    if (text.endsWith("/")) text += "**";
    return { tokens: tokenize(text), anyDepth };
  });
  return { negated, alternatives, answers: new Map() };
}

function inClass(token: Extract<Token, { kind: "class" }>, ch: string): boolean {
  if (ch === "/") return false;
  const hit = token.ranges.some(([from, to]) => ch >= from && ch <= to);
  return hit !== token.negated;
}

/**
 * Walks the path through one alternative's states; a state is "before token i". A "folders" token has a
 * second state (inside the folders it skips), numbered tokens.length + i. The path matches when the last
 * state is reached at its end, or at a "/" (a pattern naming a folder matches everything under it).
 */
function matchesAlternative({ tokens, anyDepth }: Alternative, path: string): boolean {
  const n = tokens.length;
  let current = new Uint8Array(2 * n + 1);
  let next = new Uint8Array(2 * n + 1);
  const add = (set: Uint8Array, state: number) => {
    // Epsilon moves: past a "**", "*" or "**/", which may match nothing.
    while (state < n && !set[state]) {
      set[state] = 1;
      const kind = tokens[state].kind;
      if (kind !== "star" && kind !== "globstar" && kind !== "folders") return;
      state++;
    }
    if (state === n) set[n] = 1;
  };
  add(current, 0);
  for (let p = 0; p < path.length; p++) {
    const ch = path[p];
    if (current[n] && ch === "/") return true;
    next.fill(0);
    for (let s = 0; s < n; s++) {
      if (current[s]) step(s, tokens[s], ch, next, add);
      if (current[n + 1 + s]) {
        // Inside a "**/": any character stays inside; a "/" may also end it.
        next[n + 1 + s] = 1;
        if (ch === "/") add(next, s + 1);
      }
    }
    if (anyDepth && ch === "/") add(next, 0);
    [current, next] = [next, current];
  }
  return current[n] === 1;

  function step(s: number, token: Token, ch: string, into: Uint8Array, addState: typeof add): void {
    switch (token.kind) {
      case "char":
        if (token.char === ch) addState(into, s + 1);
        return;
      case "one":
        if (ch !== "/") addState(into, s + 1);
        return;
      case "class":
        if (inClass(token, ch)) addState(into, s + 1);
        return;
      case "star":
        if (ch !== "/") addState(into, s);
        return;
      case "globstar":
        addState(into, s);
        return;
      case "folders":
        into[n + 1 + s] = 1;
        if (ch === "/") addState(into, s + 1);
        return;
    }
  }
}

export function matchesCompiledGlob(glob: CompiledGlob, path: string): boolean {
  const known = glob.answers.get(path);
  if (known !== undefined) return known;
  const lower = path.toLowerCase();
  const matches = glob.alternatives.some((alternative) => matchesAlternative(alternative, lower)) !== glob.negated;
  if (glob.answers.size >= ANSWERS_KEPT) glob.answers.clear();
  glob.answers.set(path, matches);
  return matches;
}
