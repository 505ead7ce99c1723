import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildZipIndex, type DatasetEntry, readDataset } from "../scripts/build-index.mjs";
import { loadZipIndex, militaryStateOf, type ZipPlace, zipIndex, zipIndexPath } from "./lookup.ts";

const index = zipIndex();
const dataset = readDataset();
const listed = new Set(dataset.map((e) => e.zip));

function place(zip: string): ZipPlace {
  const found = index.lookup(zip);
  if (found?.kind !== "place") throw new Error(`${zip}: expected a place, got ${JSON.stringify(found)}`);
  return found;
}

describe("lookup", () => {
  it("keeps leading zeros", () => {
    expect(place("00601")).toEqual({
      kind: "place",
      zipcode: "00601",
      city: "Adjuntas",
      state: "PR",
      latitude: 18.16,
      longitude: -66.72,
    });
    expect(place("02134")).toMatchObject({ city: "Allston", state: "MA", latitude: 42.3535 });
  });

  it("finds East Lansing, the issue's example", () => {
    expect(place("48824")).toEqual({
      kind: "place",
      zipcode: "48824",
      city: "East Lansing",
      state: "MI",
      latitude: 42.7283,
      longitude: -84.4882,
    });
  });

  it.each([
    ["00802", "St Thomas", "VI"],
    ["00820", "Christiansted", "VI"],
    ["96910", "Hagatna", "GU"],
    ["96799", "Pago Pago", "AS"],
    ["96950", "Saipan", "MP"],
    ["00901", "San Juan", "PR"],
  ])("finds the territory ZIP %s (%s, %s)", (zip, city, state) => {
    expect(place(zip)).toMatchObject({ city, state });
  });

  it.each([
    ["09001", "AE"],
    ["34002", "AA"],
    ["34001", "AA"],
    ["96201", "AP"],
  ])("tells the military ZIP %s (%s) from an unknown one, coordinates or not", (zip, state) => {
    expect(index.lookup(zip)).toEqual({ kind: "military", zipcode: zip, state });
  });

  it("knows military ZIPs that the dataset does not list", () => {
    const unlisted = ["09", "340", "962"].map((prefix) => {
      for (let n = 0; n < 10 ** (5 - prefix.length); n++) {
        const zip = prefix + String(n).padStart(5 - prefix.length, "0");
        if (!listed.has(zip)) return zip;
      }
      throw new Error(`every ${prefix} ZIP is listed`);
    });
    for (const zip of unlisted) expect(index.lookup(zip)?.kind, zip).toBe("military");
  });

  it.each(["00000", "99999", "00100", "20000", "96999"])("answers null for the unknown ZIP %s", (zip) => {
    expect(listed.has(zip)).toBe(false);
    expect(index.lookup(zip)).toBeNull();
  });

  it.each(["4882", "488240", "4882a", " 4882", "", "-1234"])("answers null for malformed input %j", (zip) => {
    expect(index.lookup(zip)).toBeNull();
  });

  it("gives no place for a 0,0 entry", () => {
    const zero = dataset.filter((e) => e.latitude === 0 && e.longitude === 0);
    expect(zero.length).toBeGreaterThan(0);
    for (const e of zero) expect(index.lookup(e.zip)?.kind, e.zip).not.toBe("place");
  });

  // One assertion over collected mismatches: 42k entries × several expect() calls is slow.
  it("round-trips the whole dataset", () => {
    let places = 0;
    const wrong: string[] = [];
    for (const e of dataset) {
      const found = index.lookup(e.zip);
      if (["AA", "AE", "AP"].includes(e.state)) {
        if (found?.kind !== "military" || found.zipcode !== e.zip || found.state !== e.state) {
          wrong.push(`${e.zip}: ${JSON.stringify(found)}`);
        }
      } else if (e.latitude === 0 && e.longitude === 0) {
        if (found !== null) wrong.push(`${e.zip}: ${JSON.stringify(found)}`);
      } else {
        places++;
        if (
          found?.kind !== "place" ||
          found.city !== e.city ||
          found.state !== e.state ||
          !(Math.abs(found.latitude - (e.latitude ?? Number.NaN)) < 1e-4) ||
          !(Math.abs(found.longitude - (e.longitude ?? Number.NaN)) < 1e-4)
        ) {
          wrong.push(`${e.zip}: ${JSON.stringify(found)} ≠ ${JSON.stringify(e)}`);
        }
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(index.size).toBe(places);
    expect(index.stats.places).toBe(places);
  });

  it("has no place for any ZIP the dataset does not list", () => {
    const wrong: string[] = [];
    for (let n = 0; n < 100_000; n++) {
      const zip = String(n).padStart(5, "0");
      if (!listed.has(zip) && militaryStateOf(n) === null && index.lookup(zip) !== null) wrong.push(zip);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});

describe("militaryStateOf", () => {
  it.each([
    [8999, null],
    [9000, "AE"],
    [9899, "AE"],
    [9900, null],
    [33999, null],
    [34000, "AA"],
    [34099, "AA"],
    [34100, null],
    [96199, null],
    [96200, "AP"],
    [96699, "AP"],
    [96700, null],
  ])("%i → %s", (zip, state) => {
    expect(militaryStateOf(zip)).toBe(state);
  });
});

describe("index file", () => {
  it("is small (its size is printed)", () => {
    const { size } = statSync(zipIndexPath());
    console.log(`zip-index.bin: ${size} bytes (${(size / 1024).toFixed(0)} KiB), ${index.size} places`);
    expect(size).toBeLessThan(600 * 1024);
  });

  it("is what the generator builds, and the generator is deterministic", () => {
    const first = buildZipIndex(dataset).bytes;
    const again = buildZipIndex([...dataset].reverse()).bytes;
    expect(Buffer.compare(first, again)).toBe(0);
    const stale =
      "src/generated/zip-index.bin differs from what the generator builds now: run `pnpm build:index`";
    expect(Buffer.compare(first, readFileSync(zipIndexPath())), stale).toBe(0);
  });

  it("is shared by zipIndex() and lives where zipIndexPath() says", () => {
    expect(zipIndex()).toBe(index);
    expect(zipIndexPath()).toMatch(/[/\\]generated[/\\]zip-index\.bin$/);
  });

  it("loads from bytes at any offset", () => {
    const file = readFileSync(zipIndexPath());
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    expect(loadZipIndex(shifted.subarray(1)).lookup("48824")).toEqual(index.lookup("48824"));
  });

  it("refuses bytes that are not an index", () => {
    expect(() => loadZipIndex(new Uint8Array(64))).toThrow(/not a zip-index\.bin/);
    expect(() => loadZipIndex(readFileSync(zipIndexPath()).subarray(0, 1000))).toThrow(/truncated/);
  });
});

describe("buildZipIndex", () => {
  const entries: DatasetEntry[] = [
    { zip: "10001", city: "New York", state: "NY", latitude: 40.7484, longitude: -73.9967 },
    { zip: "10002", city: "Nowhere", state: "NY", latitude: 0, longitude: 0 },
    { zip: "10003", city: "Nowhere", state: "NY", latitude: null, longitude: null },
    { zip: "10004", city: "Nowhere", state: "NY" },
    { zip: "10005", city: "", state: "NY", latitude: 40.7, longitude: -74 },
    { zip: "10006", city: "Québec Heights", state: "NY", latitude: 40.7085, longitude: -74.0135 },
    // Far from its prefix's other places: stored whole rather than as a delta.
    { zip: "10007", city: "Far Away", state: "HI", latitude: 21.3, longitude: -157.8 },
    { zip: "09002", city: "Apo", state: "AE", latitude: 0, longitude: 0 },
  ];
  const { bytes, stats } = buildZipIndex(entries);
  const small = loadZipIndex(bytes);

  it("leaves out entries without coordinates (0,0 or missing) or a city", () => {
    expect(stats).toMatchObject({ places: 3, military: 1, skipped: 4, withoutCoordinates: 4 });
    for (const zip of ["10002", "10003", "10004", "10005"]) expect(small.lookup(zip), zip).toBeNull();
  });

  it("keeps the rest exactly, far coordinates and non-ASCII names included", () => {
    expect(small.lookup("10001")).toMatchObject({ city: "New York", latitude: 40.7484, longitude: -73.9967 });
    expect(small.lookup("10006")).toMatchObject({ city: "Québec Heights", state: "NY" });
    expect(small.lookup("10007")).toMatchObject({ city: "Far Away", state: "HI", latitude: 21.3 });
    expect(small.lookup("09002")).toEqual({ kind: "military", zipcode: "09002", state: "AE" });
    expect(small.size).toBe(3);
  });

  it("stops on a dataset that contradicts the military prefix rule", () => {
    expect(() =>
      buildZipIndex([{ zip: "09003", city: "X", state: "NY", latitude: 1, longitude: 1 }]),
    ).toThrow(/by prefix/);
    expect(() =>
      buildZipIndex([{ zip: "12345", city: "X", state: "AP", latitude: 1, longitude: 1 }]),
    ).toThrow(/by prefix/);
  });
});
