// Types of index-format.mjs, the format of zip-index.bin.

/** The state codes of APO/FPO/DPO addresses: Armed Forces Americas, Europe and Pacific. */
export type MilitaryState = "AA" | "AE" | "AP";

/** The sections of the index file, in file order. */
export type IndexSection =
  | "header"
  | "bitmap"
  | "anchorLat"
  | "anchorLon"
  | "farLat"
  | "farLon"
  | "cityBlocks"
  | "rank"
  | "dLat"
  | "dLon"
  | "city"
  | "farRecord"
  | "otherStateRecord"
  | "prefixState"
  | "otherState"
  | "stateTable"
  | "cityBlob";

export const MAGIC: number;
export const VERSION: number;
export const HEADER_WORDS: number;
export const HEADER: Readonly<{
  magic: number;
  version: number;
  places: number;
  cities: number;
  states: number;
  cityBytes: number;
  scale: number;
  farCoordinates: number;
  otherStates: number;
  statPlaces: number;
  statMilitary: number;
  statSkipped: number;
  statWithoutCoordinates: number;
}>;
export const COORD_SCALE: number;
export const BITMAP_WORDS: number;
export const PREFIXES: number;
export const FAR: number;
export const NO_STATE: number;
export const CITY_BLOCK: number;
export const MILITARY_STATES: ReadonlySet<string>;

/**
 * The armed-forces "state" of a ZIP by its three-digit prefix, as the USPS assigns them: 090–098 AE,
 * 340 AA, 962–966 AP.
 *
 * @param zip - the ZIP as a number, 0 to 99999
 * @example militaryStateOf(9001) // "AE", for ZIP 09001
 * @example militaryStateOf(48824) // null
 */
export function militaryStateOf(zip: number): MilitaryState | null;

/** Byte offsets of the sections, from the header's counts, and the file's size. */
export function layout(
  R: number,
  C: number,
  S: number,
  B: number,
  E: number,
  F: number,
): { at: Record<IndexSection, number>; total: number };
