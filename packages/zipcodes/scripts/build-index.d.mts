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

export const DEFAULT_OUT: string;
export function readDataset(): DatasetEntry[];
export function datasetVersion(): string;
export function buildZipIndex(entries: Iterable<DatasetEntry>): { bytes: Uint8Array; stats: BuildStats };
