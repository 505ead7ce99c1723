// CSV statistics benchmark: ours against a raw read (the floor) and csv-parse, papaparse, udsv and
// DuckDB computing min/max/mean/stddev of the numeric columns. Each tool runs in a fresh child process
// so that its peak RSS is its own (worker threads included). Files are generated in os.tmpdir() and
// reused between runs. "ours" is analyzeCsvFile (os.availableParallelism() threads, each reading its
// own pieces of the file, as DuckDB reads it), "ours-stream" analyzeCsvParallel on a read stream
// (what the blob trigger does with a stream it cannot seek), "ours-single" the accumulator in one thread,
// "ours-chunks" the blob trigger's fan-out done one chunk after another in one thread: each chunk
// reading only its byte range, then the merge (per-chunk throughput, the merge's cost, and the
// largest partial a chunk step stores, serialized as the pipeline stores it).
//   BENCH_CSV_SIZES=100,1024 (MB)
//   BENCH_CSV_TOOLS=raw,ours,ours-stream,ours-single,ours-chunks,duckdb,udsv,papaparse,csv-parse
//   BENCH_CSV_CHUNK_MB=32 (the chunk size of ours-chunks)
import { execFileSync } from "node:child_process";
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serialize } from "node:v8";

const HERE = fileURLToPath(import.meta.url);
const PKG = join(dirname(HERE), "..");
// Ours runs from JavaScript compiled into a temporary directory so that no TypeScript loader
// (time and RSS) is measured in the child, and the package's dist is left alone. The directory
// mirrors the package (dist/csv/ under an ESM package root) so the parallel entry finds its worker.
const OURS_ROOT = join(tmpdir(), "processors-bench-csv-js");
const OURS_JS = join(OURS_ROOT, "dist", "csv");
const NUMERIC = ["id", "qty", "price"];
const NUMERIC_INDEX = [0, 2, 3];
const HEADER = "id,user,qty,price,day,category,note";
const CHUNK = 1 << 20;
const ANCHORS =
  "raw read ~1470 · byte-level JS ~276 · DuckDB ~236 · udsv ~120 · papaparse ~98 · csv-parse ~25 MB/s";

// ---------------------------------------------------------------------------------------------------
// Data

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function generate(path, mb) {
  const target = mb * 1024 * 1024;
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  const r = rng(42);
  const cats = ["books", "garden", "toys", "music", "sports", "food", "tools", "health"];
  const words = ["fast", "blue", "quiet", "heavy", "new", "old", "small", "bright"];
  let written = 0;
  let id = 0;
  let part = `${HEADER}\n`;
  while (written < target) {
    for (let i = 0; i < 5000; i++) {
      id++;
      const user = `user${Math.floor(r() * 2_000_000)}@example.com`;
      const qty = r() < 0.05 ? "" : String(Math.floor(r() * 1000) - 100);
      const price = (r() * 500).toFixed(2);
      const day = `2024-${String(1 + Math.floor(r() * 12)).padStart(2, "0")}-${String(1 + Math.floor(r() * 28)).padStart(2, "0")}`;
      const cat = cats[Math.floor(r() * r() * cats.length)];
      const x = r();
      const note =
        x < 0.1
          ? ""
          : x < 0.3
            ? `"${words[id % 8]}, ${words[(id >> 3) % 8]} and ""quoted"""`
            : `${words[id % 8]} item`;
      part += `${id},${user},${qty},${price},${day},${cat},${note}\n`;
    }
    writeSync(fd, part);
    written += Buffer.byteLength(part);
    part = "";
  }
  closeSync(fd);
  renameSync(tmp, path);
}

// ---------------------------------------------------------------------------------------------------
// Children

class Welford {
  n = 0;
  mean = 0;
  m2 = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  add(x) {
    const d = x - this.mean;
    this.mean += d / ++this.n;
    this.m2 += d * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }
  result() {
    return { min: this.min, max: this.max, mean: this.mean, stddev: Math.sqrt(this.m2 / (this.n - 1)) };
  }
}

function newStats() {
  return NUMERIC.map(() => new Welford());
}

function addRow(stats, row) {
  for (let k = 0; k < NUMERIC_INDEX.length; k++) {
    const v = row[NUMERIC_INDEX[k]];
    if (v !== "" && v !== undefined && v !== null) stats[k].add(Number(v));
  }
}

function oursResult(s) {
  return {
    rows: s.rows,
    aggregates: NUMERIC_INDEX.map((i) => {
      const { min, max, mean, stddev } = s.columns[i].numeric;
      return { min, max, mean, stddev };
    }),
    extra: {
      types: s.columns.map((c) => `${c.name}:${c.type}`).join(" "),
      userDistinct: s.columns[1].values.distinct,
      topCategory: s.columns[5].values.top.slice(0, 3),
      malformed: s.malformed.rows,
    },
  };
}

const tools = {
  async raw(file) {
    let n = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) n += chunk.length;
    return { bytes: n };
  },
  async ours(file) {
    const { analyzeCsvFile } = await import(join(OURS_JS, "index.js"));
    return oursResult(await analyzeCsvFile(file));
  },
  async "ours-stream"(file) {
    const { analyzeCsvParallel } = await import(join(OURS_JS, "index.js"));
    return oursResult(await analyzeCsvParallel(createReadStream(file, { highWaterMark: CHUNK })));
  },
  async "ours-single"(file) {
    const { createCsvAccumulator, summarizeCsv } = await import(join(OURS_JS, "index.js"));
    const acc = createCsvAccumulator();
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) acc.push(chunk);
    return oursResult(summarizeCsv(acc.finish()));
  },
  async "ours-chunks"(file) {
    const csv = await import(join(OURS_JS, "index.js"));
    const size = statSync(file).size;
    const chunkBytes = Number(process.env.BENCH_CSV_CHUNK_MB ?? 32) * 1024 * 1024;
    const head = new Uint8Array(Math.min(size, csv.CHUNK_PLAN_HEAD_BYTES));
    const fd = openSync(file, "r");
    readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    const plan = csv.planCsvChunks(head, size, chunkBytes);
    if (!plan) throw new Error(`${file} does not cut into chunks of ${chunkBytes} bytes`);
    const read = (from) => createReadStream(file, { start: from, highWaterMark: CHUNK });
    const results = [];
    const ms = [];
    let largestPartial = 0;
    let largestOutput = 0;
    const analyse = async (first, last) => {
      const t = performance.now();
      const r = await csv.analyzeCsvChunks(plan, first, last, read);
      ms.push(performance.now() - t);
      // What a chunk step stores (v8-serialized partial) and what it returns to the engine.
      largestPartial = Math.max(largestPartial, serialize(r.partial).length);
      const { partial: _stored, ...outcome } = r;
      const stepOutput = {
        ...outcome,
        partial: { path: `_results/${file}/etag.chunk-1-${first}-${last}.bin`, size: 1e6 },
        ms: 1,
      };
      largestOutput = Math.max(largestOutput, JSON.stringify(stepOutput).length);
      return r;
    };
    for (let i = 0; i < plan.count; i++) results.push(await analyse(i, i));
    for (let i = csv.nextRedo(results); i >= 0; i = csv.nextRedo(results)) {
      results.splice(i, 2, await analyse(results[i].first, results[i + 1].last));
    }
    const t = performance.now();
    const summary = csv.summarizeCsv(csv.mergeCsvChunks(results));
    const mergeMs = performance.now() - t;
    const sorted = ms.slice().sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1];
    return {
      ...oursResult(summary),
      chunks: {
        count: plan.count,
        chunkMb: chunkBytes / (1024 * 1024),
        perChunkMbps: chunkBytes / (1024 * 1024) / (median / 1000),
        mergeMs,
        largestPartialKb: largestPartial / 1024,
        largestOutputBytes: largestOutput,
        columns: summary.columns.length,
      },
    };
  },
  async "csv-parse"(file) {
    const { parse } = await import("csv-parse");
    const stats = newStats();
    let rows = 0;
    const parser = createReadStream(file, { highWaterMark: CHUNK }).pipe(parse({ from_line: 2 }));
    for await (const row of parser) {
      rows++;
      addRow(stats, row);
    }
    return { rows, aggregates: stats.map((s) => s.result()) };
  },
  async papaparse(file) {
    const Papa = (await import("papaparse")).default;
    const stats = newStats();
    let rows = -1;
    await new Promise((resolve, reject) => {
      Papa.parse(createReadStream(file, { highWaterMark: CHUNK, encoding: "utf8" }), {
        chunk(results) {
          for (const row of results.data) {
            if (rows++ < 0 || row.length < 7) continue;
            addRow(stats, row);
          }
        },
        complete: resolve,
        error: reject,
      });
    });
    return { rows, aggregates: stats.map((s) => s.result()) };
  },
  async udsv(file) {
    const { inferSchema, initParser } = await import("udsv");
    const stats = newStats();
    let rows = 0;
    let parser = null;
    const decoder = new TextDecoder();
    const onRow = (row) => {
      rows++;
      addRow(stats, row);
    };
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) {
      const text = decoder.decode(chunk, { stream: true });
      parser ??= initParser(inferSchema(text));
      parser.chunk(text, parser.stringArrs, onRow);
    }
    parser.end();
    return { rows, aggregates: stats.map((s) => s.result()) };
  },
  async duckdb(file) {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:", { threads: "2" });
    const con = await db.connect();
    const cols = NUMERIC.map(
      (c) => `min(${c})::DOUBLE, max(${c})::DOUBLE, avg(${c})::DOUBLE, stddev_samp(${c})::DOUBLE`,
    ).join(", ");
    const reader = await con.runAndReadAll(
      `SELECT count(*)::DOUBLE, ${cols} FROM read_csv('${file.replaceAll("'", "''")}', header = true)`,
    );
    const row = reader.getRows()[0].map(Number);
    return {
      rows: row[0],
      aggregates: NUMERIC.map((_, k) => {
        const [min, max, mean, stddev] = row.slice(1 + k * 4, 5 + k * 4);
        return { min, max, mean, stddev };
      }),
    };
  },
};

async function child(tool, file) {
  const t0 = performance.now();
  const result = await tools[tool](file);
  const seconds = (performance.now() - t0) / 1000;
  const mb = statSync(file).size / (1024 * 1024);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ tool, seconds, mbps: mb / seconds, rssMb, ...result })}\n`);
}

// ---------------------------------------------------------------------------------------------------
// Parent

function close(a, b) {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function main() {
  const sizes = (process.env.BENCH_CSV_SIZES ?? "100,1024").split(",").map(Number);
  const toolNames = (
    process.env.BENCH_CSV_TOOLS ??
    "raw,ours,ours-stream,ours-single,ours-chunks,duckdb,udsv,papaparse,csv-parse"
  ).split(",");
  const verdicts = [];
  mkdirSync(OURS_ROOT, { recursive: true });
  writeFileSync(join(OURS_ROOT, "package.json"), '{ "type": "module" }\n');
  execFileSync(
    process.execPath,
    [
      join(PKG, "node_modules/typescript/bin/tsc"),
      ...["--outDir", OURS_JS, "--rootDir", join(PKG, "src/csv"), "--module", "nodenext"],
      ...["--target", "es2023", "--skipLibCheck", "--types", "node", "--lib", "es2023,dom"],
      "--rewriteRelativeImportExtensions",
      ...[join(PKG, "src/csv/index.ts"), join(PKG, "src/csv/worker.ts")],
    ],
    { stdio: "inherit" },
  );
  // The parser's WebAssembly kernel, where dist/csv/kernel.js looks for it.
  execFileSync(
    process.execPath,
    [
      join(PKG, "node_modules/assemblyscript/bin/asc.js"),
      ...[join(PKG, "assembly/csv-kernel.ts"), "--config", join(PKG, "assembly/asconfig.json")],
      ...["--outFile", join(OURS_JS, "kernel.wasm")],
    ],
    { stdio: "inherit" },
  );
  for (const size of sizes) {
    const file = join(tmpdir(), `processors-bench-${size}mb.csv`);
    if (!existsSync(file)) {
      const t0 = performance.now();
      generate(file, size);
      console.log(`generated ${file} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const results = {};
    for (const tool of toolNames) {
      const out = execFileSync(process.execPath, [HERE, "child", tool, file], {
        encoding: "utf8",
        maxBuffer: 1 << 24,
        stdio: ["ignore", "pipe", "inherit"],
      });
      results[tool] = JSON.parse(out.trim().split("\n").at(-1));
    }
    const mb = statSync(file).size / (1024 * 1024);
    console.log(`\n${file}: ${mb.toFixed(0)} MB, ${results.ours?.rows ?? "?"} rows`);
    console.log("tool          MB/s   peak RSS MB   seconds");
    for (const tool of toolNames) {
      const r = results[tool];
      console.log(
        `${tool.padEnd(12)} ${r.mbps.toFixed(0).padStart(6)} ${r.rssMb.toFixed(0).padStart(12)} ${r.seconds.toFixed(2).padStart(9)}`,
      );
    }
    console.log(`anchors (1 GB, this machine): ${ANCHORS}`);
    const chunked = results["ours-chunks"]?.chunks;
    if (chunked) {
      console.log(
        `ours-chunks: ${chunked.count} chunks of ${chunked.chunkMb} MB, one at a time on one thread: ` +
          `${chunked.perChunkMbps.toFixed(0)} MB/s per chunk (median), merge of ${chunked.count} partials ` +
          `${chunked.mergeMs.toFixed(0)} ms; largest partial ${chunked.largestPartialKb.toFixed(0)} KB ` +
          `(${chunked.columns} columns, v8-serialized as a chunk step stores it), largest step output ` +
          `${chunked.largestOutputBytes} bytes`,
      );
    }
    const ours = results.ours;
    const duck = results.duckdb;
    if (ours) {
      console.log(`ours also found: ${ours.extra.types}; distinct users ≈ ${ours.extra.userDistinct}`);
      console.log(
        `  top categories ${JSON.stringify(ours.extra.topCategory)}; malformed rows ${ours.extra.malformed}`,
      );
      for (const tool of toolNames) {
        const r = results[tool];
        if (!r.aggregates || tool === "ours") continue;
        const agree = r.aggregates.every((a, k) =>
          ["min", "max", "mean", "stddev"].every((f) => close(a[f], ours.aggregates[k][f])),
        );
        console.log(`  aggregates of ${tool} agree with ours: ${agree ? "yes" : "NO"} (rows ${r.rows})`);
      }
    }
    if (ours && duck) {
      console.log(`  price, ours:   ${JSON.stringify(ours.aggregates[2])}`);
      console.log(`  price, DuckDB: ${JSON.stringify(duck.aggregates[2])}`);
      const fast = ours.mbps >= duck.mbps;
      verdicts.push(
        `${size} MB: ours ${ours.mbps.toFixed(0)} MB/s vs DuckDB ${duck.mbps.toFixed(0)} MB/s → ≥ DuckDB: ${fast ? "yes" : "NO"}`,
      );
    }
    const single = results["ours-single"];
    if (single && duck) {
      verdicts.push(
        `${size} MB: ours single-threaded ${single.mbps.toFixed(0)} MB/s (${single.rssMb.toFixed(0)} MB RSS)`,
      );
    }
    if (ours && size >= 1024) {
      verdicts.push(
        `${size} MB: peak RSS ${ours.rssMb.toFixed(0)} MB → ≤ 128 MB: ${ours.rssMb <= 128 ? "yes" : "NO"}`,
      );
    }
  }
  console.log(`\n${verdicts.join("\n")}`);
}

if (process.argv[2] === "child") await child(process.argv[3], process.argv[4]);
else main();
