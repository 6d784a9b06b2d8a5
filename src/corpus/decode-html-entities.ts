// The named entities news pages actually use, plus every numeric reference. Accented letters are composed
// from their base letter and a combining mark instead of being listed one by one.
import { decodeWindows1252 } from "./decode-windows-1252.js";

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  shy: "\u00ad",
  ensp: "\u2002",
  emsp: "\u2003",
  thinsp: "\u2009",
  zwnj: "\u200c",
  zwj: "\u200d",
  lrm: "\u200e",
  rlm: "\u200f",
  ndash: "–",
  mdash: "—",
  hyphen: "‐",
  lsquo: "‘",
  rsquo: "’",
  sbquo: "‚",
  ldquo: "“",
  rdquo: "”",
  bdquo: "„",
  laquo: "«",
  raquo: "»",
  lsaquo: "‹",
  rsaquo: "›",
  prime: "′",
  Prime: "″",
  hellip: "…",
  bull: "•",
  middot: "·",
  dagger: "†",
  Dagger: "‡",
  permil: "‰",
  copy: "©",
  reg: "®",
  trade: "™",
  deg: "°",
  sect: "§",
  para: "¶",
  euro: "€",
  pound: "£",
  yen: "¥",
  cent: "¢",
  curren: "¤",
  times: "×",
  divide: "÷",
  plusmn: "±",
  minus: "−",
  frac12: "½",
  frac14: "¼",
  frac34: "¾",
  sup1: "¹",
  sup2: "²",
  sup3: "³",
  micro: "µ",
  ordf: "ª",
  ordm: "º",
  iexcl: "¡",
  iquest: "¿",
  szlig: "ß",
  aelig: "æ",
  AElig: "Æ",
  oslash: "ø",
  Oslash: "Ø",
  eth: "ð",
  ETH: "Ð",
  thorn: "þ",
  THORN: "Þ",
  oelig: "œ",
  OElig: "Œ",
  larr: "←",
  rarr: "→",
  uarr: "↑",
  darr: "↓",
  hearts: "♥",
};

const COMBINING: Record<string, string> = {
  acute: "\u0301",
  grave: "\u0300",
  circ: "\u0302",
  uml: "\u0308",
  tilde: "\u0303",
  ring: "\u030a",
  cedil: "\u0327",
  caron: "\u030c",
};

/** Entities that browsers also accept without the closing semicolon. */
const LEGACY_WITHOUT_SEMICOLON = new Set(["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"]);

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}))(;?)/g;

export function decodeHtmlEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (whole, decimal: string | undefined, hex: string | undefined, name: string | undefined, semicolon: string) => {
    if (decimal !== undefined || hex !== undefined) return fromCodePoint(decimal !== undefined ? parseInt(decimal, 10) : parseInt(hex!, 16));
    if (!semicolon && !LEGACY_WITHOUT_SEMICOLON.has(name!)) return whole;
    return namedEntity(name!) ?? whole;
  });
}

function namedEntity(name: string): string | undefined {
  if (NAMED[name] !== undefined) return NAMED[name];
  const mark = COMBINING[name.slice(1)];
  if (mark && /^[A-Za-z]$/.test(name[0])) {
    const composed = (name[0] + mark).normalize("NFC");
    if (composed.length === 1) return composed;
  }
  return undefined;
}

function fromCodePoint(code: number): string {
  // Pages written in Windows-1252 use &#150; for "–": browsers map 0x80–0x9F through that table, so do we.
  if (code >= 0x80 && code <= 0x9f) return decodeWindows1252(Uint8Array.of(code));
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
  return String.fromCodePoint(code);
}
