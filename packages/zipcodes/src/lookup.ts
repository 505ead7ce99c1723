/**
 * US ZIP code → place and coordinates, from zip-index.bin (built by scripts/build-index.mjs).
 *
 * The lookup runs this module and the format it reads (index-format.mjs, which the build script
 * writes by: one definition of the file), nothing else on purpose: on a cold start each further ESM
 * module costs about a millisecond on Node 20, as much as reading the whole index.
 */

import type { MilitaryState } from "./index-format.mjs";
import {
  BITMAP_WORDS,
  CITY_BLOCK,
  FAR,
  HEADER,
  HEADER_WORDS,
  layout,
  MAGIC,
  militaryStateOf,
  PREFIXES,
  VERSION,
} from "./index-format.mjs";

/**
 * The credit the ZIP data asks for, to show wherever its results are served or shown (an API
 * response field, a page footer). The `zipcodes` package is BSD-licensed, whose second clause asks
 * that its notice travel with binary redistributions such as zip-index.bin; its coordinates come
 * mostly from GeoNames, whose licence (CC BY) asks for credit to geonames.org.
 *
 * @example `${place.city}, ${place.state}. ${ATTRIBUTION}`
 */
export const ATTRIBUTION =
  "ZIP code data: zipcodes npm package, Copyright (c) 2007 Dav Glass (BSD licence), " +
  "compiled from federalgovernmentzipcodes.us and GeoNames (www.geonames.org, CC BY).";

/** A ZIP with a fixed place: the city the data names for it and a point inside it. */
export interface ZipPlace {
  kind: "place";
  zipcode: string;
  city: string;
  /** Two-letter USPS code, territories included (PR, VI, GU, AS, MP…). */
  state: string;
  /** Degrees, at most 4 decimals as in the dataset. */
  latitude: number;
  longitude: number;
}

export type { MilitaryState };
/** The armed-forces "state" of a ZIP by its prefix (the rule the index is built by). */
export { militaryStateOf };

/**
 * An APO/FPO/DPO ZIP: mail for armed-forces units and embassies, which move, so there is no place
 * to give weather for. Told apart from an unknown ZIP so that callers can say why.
 */
export interface MilitaryZip {
  kind: "military";
  zipcode: string;
  /** The armed-forces "state". Always known from the prefix today; null is left for a region-less code. */
  state: MilitaryState | null;
}

/** Counts the generator recorded in the index file. */
export interface ZipIndexStats {
  /** ZIPs with a place: city, state and coordinates. */
  places: number;
  /** APO/FPO/DPO ZIPs the dataset lists (all military ZIPs answer as military, listed or not). */
  military: number;
  /** Dataset entries left out as places and not military: no coordinates (or 0,0), city or state. */
  skipped: number;
  /** Dataset entries with missing or 0,0 coordinates, military ones included. */
  withoutCoordinates: number;
}

export interface ZipIndex {
  /**
   * The place of a ZIP, `{ kind: "military" }` for APO/FPO ZIPs, or null for a ZIP the data has no
   * place for (never issued, retired, or listed without coordinates).
   *
   * @param zip - exactly five digits, leading zeros kept ("02134"); anything else gives null
   */
  lookup(zip: string): ZipPlace | MilitaryZip | null;
  /** How many ZIPs have a place. */
  readonly size: number;
  readonly stats: ZipIndexStats;
}

// A literal `new URL(…, import.meta.url)` is what Vercel's file tracer follows to ship the file with
// the function; from dist/ it resolves to dist/generated/, from src/ (development) to src/generated/.
const INDEX_URL = new URL("./generated/zip-index.bin", import.meta.url);

/**
 * Where the index file that `loadZipIndex()` reads lives, for checks such as a vercel.json
 * `includeFiles` pattern covering it.
 *
 * @example zipIndexPath() // "/…/packages/zipcodes/dist/generated/zip-index.bin"
 */
export function zipIndexPath(): string {
  return process.getBuiltinModule("node:url").fileURLToPath(INDEX_URL);
}

const utf8 = new TextDecoder("utf-8");
/** Scratch space for decoding one city name (at most 255 bytes, which the generator checks). */
const name = new Uint8Array(256);

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Position of `r` in a sorted list of record indexes, or -1. */
function find(sorted: Uint16Array, r: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] ?? 0;
    if (v === r) return mid;
    if (v < r) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** "02134" → 2134; -1 for anything but five ASCII digits, so that bad input is a miss, not a throw. */
function zipNumber(zip: string): number {
  if (zip.length !== 5) return -1;
  let n = 0;
  for (let i = 0; i < 5; i++) {
    const d = zip.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

class BinaryZipIndex implements ZipIndex {
  readonly size: number;
  readonly stats: ZipIndexStats;
  readonly #scale: number;
  readonly #bitmap: Uint32Array;
  readonly #rank: Uint16Array;
  readonly #anchorLat: Int32Array;
  readonly #anchorLon: Int32Array;
  readonly #dLat: Int16Array;
  readonly #dLon: Int16Array;
  readonly #farRecord: Uint16Array;
  readonly #farLat: Int32Array;
  readonly #farLon: Int32Array;
  readonly #prefixState: Uint8Array;
  readonly #otherStateRecord: Uint16Array;
  readonly #otherState: Uint8Array;
  readonly #states: string[] = [];
  readonly #city: Uint16Array;
  readonly #cityBlocks: Uint32Array;
  readonly #cityBlob: Uint8Array;

  constructor(input: Uint8Array) {
    // Typed-array views need aligned offsets. A file read has its own buffer at offset 0, but bytes
    // handed in by a caller may be a slice of a larger one: those are copied once.
    const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
    const { buffer, byteOffset: base, byteLength } = bytes;
    if (byteLength < HEADER_WORDS * 4) throw new Error("zip index: too short for a header");
    const header = new Uint32Array(buffer, base, HEADER_WORDS);
    const word = (i: number) => header[i] ?? 0;
    if (word(HEADER.magic) !== MAGIC)
      throw new Error("zip index: not a zip-index.bin (bad magic, or a big-endian host)");
    if (word(HEADER.version) !== VERSION)
      throw new Error(`zip index: format ${word(HEADER.version)}, this code reads ${VERSION}`);
    const R = word(HEADER.places);
    const C = word(HEADER.cities);
    const S = word(HEADER.states);
    const B = word(HEADER.cityBytes);
    const E = word(HEADER.farCoordinates);
    const F = word(HEADER.otherStates);
    const { at, total } = layout(R, C, S, B, E, F);
    if (total > byteLength) throw new Error("zip index: truncated");

    this.size = R;
    this.#scale = word(HEADER.scale);
    this.stats = {
      places: word(HEADER.statPlaces),
      military: word(HEADER.statMilitary),
      skipped: word(HEADER.statSkipped),
      withoutCoordinates: word(HEADER.statWithoutCoordinates),
    };
    this.#bitmap = new Uint32Array(buffer, base + at.bitmap, BITMAP_WORDS);
    this.#rank = new Uint16Array(buffer, base + at.rank, BITMAP_WORDS);
    this.#anchorLat = new Int32Array(buffer, base + at.anchorLat, PREFIXES);
    this.#anchorLon = new Int32Array(buffer, base + at.anchorLon, PREFIXES);
    this.#dLat = new Int16Array(buffer, base + at.dLat, R);
    this.#dLon = new Int16Array(buffer, base + at.dLon, R);
    this.#farRecord = new Uint16Array(buffer, base + at.farRecord, E);
    this.#farLat = new Int32Array(buffer, base + at.farLat, E);
    this.#farLon = new Int32Array(buffer, base + at.farLon, E);
    this.#prefixState = new Uint8Array(buffer, base + at.prefixState, PREFIXES);
    this.#otherStateRecord = new Uint16Array(buffer, base + at.otherStateRecord, F);
    this.#otherState = new Uint8Array(buffer, base + at.otherState, F);
    this.#city = new Uint16Array(buffer, base + at.city, R);
    this.#cityBlocks = new Uint32Array(buffer, base + at.cityBlocks, Math.ceil(C / CITY_BLOCK));
    this.#cityBlob = new Uint8Array(buffer, base + at.cityBlob, B);
    for (let i = 0; i < S; i++) {
      const o = at.stateTable + i * 2;
      this.#states.push(String.fromCharCode(bytes[o] ?? 0, bytes[o + 1] ?? 0));
    }
  }

  lookup(zip: string): ZipPlace | MilitaryZip | null {
    const n = zipNumber(zip);
    if (n < 0) return null;
    const military = militaryStateOf(n);
    if (military) return { kind: "military", zipcode: zip, state: military };

    const w = n >>> 5;
    const bits = this.#bitmap[w] ?? 0;
    const b = n & 31;
    if (((bits >>> b) & 1) === 0) return null;
    // The record index: places in earlier words (rank) plus the set bits below n in this one.
    const r = (this.#rank[w] ?? 0) + popcount(bits & ~(-1 << b));
    const prefix = (n / 100) | 0;

    let lat: number;
    let lon: number;
    const dLat = this.#dLat[r] ?? 0;
    if (dLat === FAR) {
      const i = find(this.#farRecord, r);
      lat = this.#farLat[i] ?? 0;
      lon = this.#farLon[i] ?? 0;
    } else {
      lat = (this.#anchorLat[prefix] ?? 0) + dLat;
      lon = (this.#anchorLon[prefix] ?? 0) + (this.#dLon[r] ?? 0);
    }
    const other = find(this.#otherStateRecord, r);
    const stateIndex = other < 0 ? (this.#prefixState[prefix] ?? 0) : (this.#otherState[other] ?? 0);

    return {
      kind: "place",
      zipcode: zip,
      city: this.#cityName(this.#city[r] ?? 0),
      state: this.#states[stateIndex] ?? "",
      // Integer ÷ 10^4 gives back exactly the double the dataset's 4-decimal literal parsed to.
      latitude: lat / this.#scale,
      longitude: lon / this.#scale,
    };
  }

  // Decoded on each lookup rather than up front: building 19,000 strings at load would cost
  // milliseconds and megabytes for the one or two names a function invocation asks for. Names are
  // front-coded (see build-index.mjs), so the block is replayed from its first name up to name i.
  #cityName(i: number): string {
    const blob = this.#cityBlob;
    let at = this.#cityBlocks[(i / CITY_BLOCK) | 0] ?? 0;
    let length = 0;
    for (let k = i % CITY_BLOCK; k >= 0; k--) {
      length = blob[at] ?? 0;
      const end = at + 2 + (blob[at + 1] ?? 0);
      // A byte loop: names are short, and subarray() + set() would allocate a view per name.
      for (let j = at + 2; j < end; j++) name[length++] = blob[j] ?? 0;
      at = end;
    }
    return utf8.decode(name.subarray(0, length));
  }
}

/**
 * Opens a ZIP index. Without arguments it reads the file built next to this module; tests and tools
 * may pass the bytes of another one. The bytes are used in place, not copied or parsed.
 *
 * @example loadZipIndex().lookup("48824") // { kind: "place", city: "East Lansing", state: "MI", … }
 */
export function loadZipIndex(bytes?: Uint8Array): ZipIndex {
  return new BinaryZipIndex(bytes ?? readIndexFile());
}

function readIndexFile(): Uint8Array {
  try {
    // Not `import … from "node:fs"`: on a cold start the ESM facade of a built-in costs about 3 ms,
    // more than reading the index, while getBuiltinModule hands over the already-loaded module.
    return process.getBuiltinModule("node:fs").readFileSync(INDEX_URL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(
        `zip index not found at ${zipIndexPath()}: run \`pnpm --filter @repo/zipcodes build\` (or build:index)`,
        { cause: error },
      );
    }
    throw error;
  }
}

let shared: ZipIndex | undefined;

/**
 * The default index, loaded on first use and kept for the life of the process, so that a warm
 * function instance reads the file once.
 *
 * @example zipIndex().lookup("02134")?.kind // "place"
 */
export function zipIndex(): ZipIndex {
  shared ??= loadZipIndex();
  return shared;
}
