// Types for build-index.mjs, so that the tests in src/ can call the generator under strict tsc.

export interface DatasetEntry {
  zip: string;
  city: string;
  state: string;
  latitude?: number | null;
  longitude?: number | null;
  country?: string;
}

export interface BuildStats {
  places: number;
  military: number;
  skipped: number;
  withoutCoordinates: number;
  cities: number;
  states: number;
  farCoordinates: number;
  otherStates: number;
  bytes: number;
}

export const MAGIC: number;
export const VERSION: number;
export const HEADER_WORDS: number;
export const COORD_SCALE: number;
export const BITMAP_WORDS: number;
export const PREFIXES: number;
export const FAR: number;
export const NO_STATE: number;
export const CITY_BLOCK: number;
export const MILITARY_STATES: ReadonlySet<string>;
export const DEFAULT_OUT: string;
export function militaryStateOf(n: number): "AA" | "AE" | "AP" | null;
export function layout(
  R: number,
  C: number,
  S: number,
  B: number,
  E: number,
  F: number,
): { at: Record<string, number>; total: number };
export function readDataset(): DatasetEntry[];
export function datasetVersion(): string;
export function buildZipIndex(entries: Iterable<DatasetEntry>): { bytes: Uint8Array; stats: BuildStats };
