#!/usr/bin/env node
// tsc copies only what it compiles: the index must sit at dist/generated/ because dist/lookup.js
// finds it relative to itself (and that is where Vercel's file tracer looks for it), and the format
// module dist/lookup.js imports is plain JavaScript that tsc does not compile.
import { copyFileSync, mkdirSync } from "node:fs";

const copy = (from, to) => {
  const target = new URL(to, import.meta.url);
  mkdirSync(new URL(".", target), { recursive: true });
  copyFileSync(new URL(from, import.meta.url), target);
};
copy("../src/generated/zip-index.bin", "../dist/generated/zip-index.bin");
copy("../src/index-format.mjs", "../dist/index-format.mjs");
copy("../src/index-format.d.mts", "../dist/index-format.d.mts");
