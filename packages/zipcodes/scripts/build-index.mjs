#!/usr/bin/env node
/**
 * Turns the `zipcodes` npm dataset into src/generated/zip-index.bin, the compact index that
 * src/lookup.ts reads. Plain .mjs so that it runs on a bare Node 20 without a TypeScript loader.
 *
 * Usage:
 *   node scripts/build-index.mjs               write src/generated/zip-index.bin
 *   node scripts/build-index.mjs --if-missing  only when that file does not exist yet (test, typecheck)
 *   node scripts/build-index.mjs --out FILE    write FILE instead
 *
 * The layout is described beside `layout()` here and in src/lookup.ts, which reads it; the two must
 * change together (the round-trip test in src/lookup.test.ts fails when they drift apart).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { endianness } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/** "ZIPI" read as a little-endian u32: a reader on a big-endian host sees another number and stops. */
export const MAGIC = 0x4950495a;
export const VERSION = 2;
export const HEADER_WORDS = 16;
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

export const DEFAULT_OUT = fileURLToPath(new URL("../src/generated/zip-index.bin", import.meta.url));

/**
 * The armed-forces "state" of a ZIP number by its three-digit prefix, as the USPS assigns them:
 * 090–098 AE, 340 AA, 962–966 AP. Kept in step with militaryStateOf in src/lookup.ts.
 */
export function militaryStateOf(n) {
  const prefix = Math.floor(n / 100);
  if (prefix >= 90 && prefix <= 98) return "AE";
  if (prefix === 340) return "AA";
  if (prefix >= 962 && prefix <= 966) return "AP";
  return null;
}

/**
 * Byte offsets of the sections, from the header's counts. Each section starts 4-byte aligned so that
 * it can be a typed-array view on the file; widest elements first keeps the padding to the tail.
 *
 *   header           16 × u32  magic, version, places R, cities C, states S, city blob bytes B,
 *                              coordinate scale, coordinate exceptions E, state exceptions F,
 *                              stats: places, military, skipped, without coordinates; 3 × 0
 *   bitmap           3125 × u32  bit n set when ZIP n has a place
 *   anchorLat/Lon    1000 × i32  per three-digit prefix, the median coordinates of its places
 *   farLat/Lon       E × i32     coordinates of places too far from their anchor for an i16 delta
 *   cityBlocks       ceil(C/16) × u32  offset in the city blob of every 16th name
 *   rank             3125 × u16  places before each bitmap word: a place's record index is
 *                                rank + the set bits below it in its word
 *   dLat/dLon        R × i16     coordinates minus the prefix anchor; dLat = -32768: see far*
 *   city             R × u16     index of the city name
 *   farRecord        E × u16     sorted record indexes of the far places
 *   otherStateRecord F × u16     sorted record indexes of places not in their prefix's state
 *   prefixState      1000 × u8   state index of most places in each prefix (0xff: none)
 *   otherState       F × u8      their state index
 *   stateTable       S × 2 bytes ASCII
 *   cityBlob         B bytes: the sorted city names, UTF-8, front-coded: each name is
 *                    [bytes shared with the previous name: u8][suffix length: u8][suffix],
 *                    with 0 shared at the start of each block of 16
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

/**
 * The US entries of the pinned `zipcodes` package (which also ships Canadian postal codes: those
 * are dropped because this index is for five-digit US ZIPs only).
 */
export function readDataset() {
  const { codes } = require("zipcodes");
  return Object.values(codes).filter((e) => e.country === "US" && /^\d{5}$/.test(e.zip));
}

/** The version of the `zipcodes` package the index is built from, for the log line. */
export function datasetVersion() {
  return require("zipcodes/package.json").version;
}

function hasCoordinates(e) {
  const { latitude: lat, longitude: lon } = e;
  if (typeof lat !== "number" || typeof lon !== "number") return false;
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return false;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return false;
  // 0,0 is the dataset's "unknown" (a point in the Gulf of Guinea), never a US place.
  return !(lat === 0 && lon === 0);
}

/**
 * Sorted names share long prefixes ("Saint …", "North …", "New …"), so storing each as the part
 * that differs from the previous one takes the blob from 170 kB to 126 kB; blocks of 16 bound the
 * work of decoding one name.
 */
function frontCode(names) {
  const encoder = new TextEncoder();
  const out = [];
  const blocks = [];
  let previous = new Uint8Array(0);
  names.forEach((name, i) => {
    const b = encoder.encode(name);
    if (b.length > 255) throw new Error(`city name longer than 255 bytes: ${name}`);
    let shared = 0;
    if (i % CITY_BLOCK === 0) blocks.push(out.length);
    else while (shared < b.length && shared < previous.length && b[shared] === previous[shared]) shared++;
    out.push(shared, b.length - shared, ...b.subarray(shared));
    previous = b;
  });
  return { bytes: Uint8Array.from(out), blocks };
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
};

const mostCommon = (xs) => {
  const counts = new Map();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  // Ties go to the smaller value so that the choice never depends on input order.
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
};

/**
 * Builds the index bytes from dataset entries. Deterministic: entries are taken in ZIP order and the
 * string tables are sorted, so the same dataset gives the same bytes whatever order it comes in.
 *
 * @param {Iterable<{ zip: string; city: string; state: string; latitude?: number | null; longitude?: number | null }>} entries
 */
export function buildZipIndex(entries) {
  if (endianness() !== "LE") throw new Error("the index is written little-endian; build it on a LE host");

  const byZip = new Map();
  for (const e of entries) {
    if (!/^\d{5}$/.test(e.zip)) throw new Error(`not a five-digit ZIP: ${JSON.stringify(e.zip)}`);
    if (byZip.has(e.zip)) throw new Error(`duplicate ZIP ${e.zip}`);
    byZip.set(e.zip, e);
  }

  const places = [];
  let military = 0;
  let skipped = 0;
  let withoutCoordinates = 0;
  for (const zip of [...byZip.keys()].sort()) {
    const e = byZip.get(zip);
    const n = Number(zip);
    const state = String(e.state ?? "")
      .trim()
      .toUpperCase();
    if (!hasCoordinates(e)) withoutCoordinates++;
    // Military ZIPs are told apart by prefix at lookup time, so they need no record; the dataset
    // must agree with that rule, or a listed military ZIP would read as unknown (or the reverse).
    const byPrefix = militaryStateOf(n);
    if (MILITARY_STATES.has(state) || byPrefix) {
      if (state !== byPrefix) {
        throw new Error(`ZIP ${zip} is ${state} in the dataset but ${byPrefix} by prefix: update the rule`);
      }
      military++;
    } else if (hasCoordinates(e) && e.city && /^[A-Z]{2}$/.test(state)) {
      places.push({
        n,
        state,
        city: String(e.city),
        lat: Math.round(e.latitude * COORD_SCALE),
        lon: Math.round(e.longitude * COORD_SCALE),
      });
    } else {
      skipped++;
    }
  }
  const R = places.length;
  // Record indexes are u16 (rank, exception lists).
  if (R > 0xffff) throw new Error(`${R} places do not fit u16 record indexes`);

  const states = [...new Set(places.map((p) => p.state))].sort();
  if (states.length >= NO_STATE) throw new Error(`${states.length} states do not fit u8`);
  const stateIndex = new Map(states.map((s, i) => [s, i]));

  const cities = [...new Set(places.map((p) => p.city))].sort();
  if (cities.length > 0xffff) throw new Error(`${cities.length} cities do not fit u16`);
  const cityIndex = new Map(cities.map((c, i) => [c, i]));
  const cityBlob = frontCode(cities);
  const B = cityBlob.bytes.length;

  // Per prefix: the median point (so that most places are within an i16 delta of it) and the state
  // most of its places are in (a prefix is one USPS sectional center, nearly always in one state).
  const byPrefix = new Map();
  places.forEach((p, r) => {
    const prefix = Math.floor(p.n / 100);
    if (!byPrefix.has(prefix)) byPrefix.set(prefix, []);
    byPrefix.get(prefix).push(r);
  });
  const anchorLat = new Int32Array(PREFIXES);
  const anchorLon = new Int32Array(PREFIXES);
  const prefixState = new Uint8Array(PREFIXES).fill(NO_STATE);
  for (const [prefix, rs] of byPrefix) {
    anchorLat[prefix] = median(rs.map((r) => places[r].lat));
    anchorLon[prefix] = median(rs.map((r) => places[r].lon));
    prefixState[prefix] = mostCommon(rs.map((r) => stateIndex.get(places[r].state)));
  }
  const far = [];
  const otherState = [];
  places.forEach((p, r) => {
    const prefix = Math.floor(p.n / 100);
    const dLat = p.lat - anchorLat[prefix];
    const dLon = p.lon - anchorLon[prefix];
    if (dLat <= FAR || dLat > 32767 || dLon < -32768 || dLon > 32767) far.push(r);
    if (stateIndex.get(p.state) !== prefixState[prefix]) otherState.push(r);
  });
  const E = far.length;
  const F = otherState.length;

  const { at, total } = layout(R, cities.length, states.length, B, E, F);
  const buf = new ArrayBuffer(total);
  const bytes = new Uint8Array(buf);
  const stats = { places: R, military, skipped, withoutCoordinates };
  new Uint32Array(buf, at.header, HEADER_WORDS).set([
    MAGIC,
    VERSION,
    R,
    cities.length,
    states.length,
    B,
    COORD_SCALE,
    E,
    F,
    stats.places,
    stats.military,
    stats.skipped,
    stats.withoutCoordinates,
  ]);
  const bitmap = new Uint32Array(buf, at.bitmap, BITMAP_WORDS);
  const rank = new Uint16Array(buf, at.rank, BITMAP_WORDS);
  const dLat = new Int16Array(buf, at.dLat, R);
  const dLon = new Int16Array(buf, at.dLon, R);
  const city = new Uint16Array(buf, at.city, R);
  places.forEach((p, r) => {
    bitmap[p.n >>> 5] |= 1 << (p.n & 31);
    const prefix = Math.floor(p.n / 100);
    dLat[r] = p.lat - anchorLat[prefix];
    dLon[r] = p.lon - anchorLon[prefix];
    city[r] = cityIndex.get(p.city);
  });
  let before = 0;
  for (let w = 0; w < BITMAP_WORDS; w++) {
    rank[w] = before;
    let x = bitmap[w];
    while (x !== 0) {
      x &= x - 1;
      before++;
    }
  }
  new Int32Array(buf, at.anchorLat, PREFIXES).set(anchorLat);
  new Int32Array(buf, at.anchorLon, PREFIXES).set(anchorLon);
  new Uint8Array(buf, at.prefixState, PREFIXES).set(prefixState);
  const farLat = new Int32Array(buf, at.farLat, E);
  const farLon = new Int32Array(buf, at.farLon, E);
  const farRecord = new Uint16Array(buf, at.farRecord, E);
  far.forEach((r, i) => {
    farRecord[i] = r;
    farLat[i] = places[r].lat;
    farLon[i] = places[r].lon;
    dLat[r] = FAR;
    dLon[r] = 0;
  });
  const otherStateRecord = new Uint16Array(buf, at.otherStateRecord, F);
  const otherStateIndex = new Uint8Array(buf, at.otherState, F);
  otherState.forEach((r, i) => {
    otherStateRecord[i] = r;
    otherStateIndex[i] = stateIndex.get(places[r].state);
  });
  states.forEach((s, i) => {
    bytes[at.stateTable + i * 2] = s.charCodeAt(0);
    bytes[at.stateTable + i * 2 + 1] = s.charCodeAt(1);
  });
  new Uint32Array(buf, at.cityBlocks, cityBlob.blocks.length).set(cityBlob.blocks);
  bytes.set(cityBlob.bytes, at.cityBlob);

  return {
    bytes,
    stats: {
      ...stats,
      cities: cities.length,
      states: states.length,
      farCoordinates: E,
      otherStates: F,
      bytes: total,
    },
  };
}

function main(argv) {
  const ifMissing = argv.includes("--if-missing");
  const outAt = argv.indexOf("--out");
  const out = outAt >= 0 ? resolve(argv[outAt + 1] ?? "") : DEFAULT_OUT;
  if (ifMissing && existsSync(out)) return;
  const { bytes, stats } = buildZipIndex(readDataset());
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  console.log(
    `zip index from zipcodes@${datasetVersion()}: ${stats.places} places, ${stats.military} military, ` +
      `${stats.skipped} skipped (${stats.withoutCoordinates} entries without coordinates); ` +
      `${stats.cities} city names, ${stats.states} states, ${stats.farCoordinates} far coordinates, ` +
      `${stats.otherStates} states unlike their prefix; ${stats.bytes} bytes → ${out}`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
