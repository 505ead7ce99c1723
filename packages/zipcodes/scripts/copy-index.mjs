#!/usr/bin/env node
// tsc copies only what it compiles; the index must sit at dist/generated/ because dist/lookup.js
// finds it relative to itself (and that is where Vercel's file tracer looks for it).
import { copyFileSync, mkdirSync } from "node:fs";

const from = new URL("../src/generated/zip-index.bin", import.meta.url);
const to = new URL("../dist/generated/zip-index.bin", import.meta.url);
mkdirSync(new URL(".", to), { recursive: true });
copyFileSync(from, to);
