/**
 * The format of zip-index.bin, in one place: scripts/build-index.mjs writes it and src/lookup.ts
 * reads it, both from here. Plain JavaScript (typed by index-format.d.mts) so that the build script
 * runs on a bare Node without a TypeScript loader; `pnpm build` copies it beside dist/lookup.js.
 *
 * The file, section by section (each 4-byte aligned, so that it can be a typed-array view on the
 * file; widest elements first keeps the padding to the tail), all little-endian:
 *
 *   header           16 × u32  see HEADER
 *   bitmap           3125 × u32  bit n set when ZIP n has a place
 *   anchorLat/Lon    1000 × i32  per three-digit prefix, the median coordinates of its places
 *   farLat/Lon       E × i32     coordinates of places too far from their anchor for an i16 delta
 *   cityBlocks       ceil(C/16) × u32  offset in the city blob of every 16th name
 *   rank             3125 × u16  places before each bitmap word: a place's record index is
 *                                rank + the set bits below it in its word
 *   dLat/dLon        R × i16     coordinates minus the prefix anchor; dLat = FAR: see far*
 *   city             R × u16     index of the city name
 *   farRecord        E × u16     sorted record indexes of the far places
 *   otherStateRecord F × u16     sorted record indexes of places not in their prefix's state
 *   prefixState      1000 × u8   state index of most places in each prefix (NO_STATE: none)
 *   otherState       F × u8      their state index
 *   stateTable       S × 2 bytes ASCII
 *   cityBlob         B bytes: the sorted city names, UTF-8, front-coded: each name is
 *                    [bytes shared with the previous name: u8][suffix length: u8][suffix],
 *                    with 0 shared at the start of each block of CITY_BLOCK
 */

/** "ZIPI" read as a little-endian u32: a reader on a big-endian host sees another number and stops. */
export const MAGIC = 0x4950495a;
export const VERSION = 2;
export const HEADER_WORDS = 16;
/**
 * The header's words by position: counts of the sections (R places, C cities, S states, B city blob
 * bytes, E far coordinates, F other states), the coordinate scale, and the generator's statistics.
 */
export const HEADER = Object.freeze({
  magic: 0,
  version: 1,
  places: 2,
  cities: 3,
  states: 4,
  cityBytes: 5,
  scale: 6,
  farCoordinates: 7,
  otherStates: 8,
  statPlaces: 9,
  statMilitary: 10,
  statSkipped: 11,
  statWithoutCoordinates: 12,
});
/** Coordinates are integers of 1e-4 degree: the dataset has at most 4 decimals. */
export const COORD_SCALE = 10_000;
/** One bit per five-digit number 00000–99999, in u32 words. */
export const BITMAP_WORDS = 3125;
/** One entry per three-digit prefix 000–999. */
export const PREFIXES = 1000;
/** A latitude delta with this value means "the coordinates are in the exception list". */
export const FAR = -32768;
/** Prefix state of a prefix with no places. */
export const NO_STATE = 0xff;
/** City names are front-coded in blocks of this many: each block starts with a whole name. */
export const CITY_BLOCK = 16;
/** The state codes the USPS gives to APO/FPO/DPO addresses (Armed Forces Americas, Europe, Pacific). */
export const MILITARY_STATES = new Set(["AA", "AE", "AP"]);

/**
 * The armed-forces "state" of a ZIP by its three-digit prefix, as the USPS assigns them: 090–098 AE,
 * 340 AA, 962–966 AP. The prefix is what tells a military ZIP from an unknown one, since new APO/FPO
 * codes appear without any place to put on a map; the index has no records for them, and the build
 * stops if the dataset disagrees with this rule.
 *
 * @param {number} n the ZIP as a number, 0 to 99999
 * @example militaryStateOf(9001) // "AE", for ZIP 09001
 */
export function militaryStateOf(n) {
  const prefix = Math.floor(n / 100);
  if (prefix >= 90 && prefix <= 98) return "AE";
  if (prefix === 340) return "AA";
  if (prefix >= 962 && prefix <= 966) return "AP";
  return null;
}

/**
 * Byte offsets of the sections, from the header's counts, and the file's size.
 *
 * @example layout(R, C, S, B, E, F).at.cityBlob
 */
export function layout(R, C, S, B, E, F) {
  const sections = [
    ["header", 4, HEADER_WORDS],
    ["bitmap", 4, BITMAP_WORDS],
    ["anchorLat", 4, PREFIXES],
    ["anchorLon", 4, PREFIXES],
    ["farLat", 4, E],
    ["farLon", 4, E],
    ["cityBlocks", 4, Math.ceil(C / CITY_BLOCK)],
    ["rank", 2, BITMAP_WORDS],
    ["dLat", 2, R],
    ["dLon", 2, R],
    ["city", 2, R],
    ["farRecord", 2, E],
    ["otherStateRecord", 2, F],
    ["prefixState", 1, PREFIXES],
    ["otherState", 1, F],
    ["stateTable", 1, S * 2],
    ["cityBlob", 1, B],
  ];
  const at = {};
  let offset = 0;
  for (const [name, size, count] of sections) {
    at[name] = offset;
    offset = (offset + size * count + 3) & ~3;
  }
  return { at, total: offset };
}
