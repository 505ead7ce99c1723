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
 * The format (header, sections, strides) is src/index-format.mjs, which src/lookup.ts reads it by.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { endianness } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

import {
  BITMAP_WORDS,
  CITY_BLOCK,
  COORD_SCALE,
  FAR,
  HEADER,
  HEADER_WORDS,
  layout,
  MAGIC,
  MILITARY_STATES,
  militaryStateOf,
  NO_STATE,
  PREFIXES,
  VERSION,
} from "../src/index-format.mjs";

export const DEFAULT_OUT = fileURLToPath(new URL("../src/generated/zip-index.bin", import.meta.url));

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
  const header = new Uint32Array(buf, at.header, HEADER_WORDS);
  header[HEADER.magic] = MAGIC;
  header[HEADER.version] = VERSION;
  header[HEADER.places] = R;
  header[HEADER.cities] = cities.length;
  header[HEADER.states] = states.length;
  header[HEADER.cityBytes] = B;
  header[HEADER.scale] = COORD_SCALE;
  header[HEADER.farCoordinates] = E;
  header[HEADER.otherStates] = F;
  header[HEADER.statPlaces] = stats.places;
  header[HEADER.statMilitary] = stats.military;
  header[HEADER.statSkipped] = stats.skipped;
  header[HEADER.statWithoutCoordinates] = stats.withoutCoordinates;
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
