import { describe, expect, it } from "vitest";
import { nextRowBoundary } from "./boundary.ts";
import {
  analyzeCsvStream,
  type CsvOptions,
  type CsvPartial,
  createCsvAccumulator,
  detectCsvDialect,
  mergeCsvPartials,
  summarizeCsv,
} from "./index.ts";

const enc = new TextEncoder();

function analyze(input: string | Uint8Array, options: CsvOptions = {}, chunk = 0) {
  const bytes = typeof input === "string" ? enc.encode(input) : input;
  const acc = createCsvAccumulator(options);
  if (chunk <= 0) acc.push(bytes);
  else for (let i = 0; i < bytes.length; i += chunk) acc.push(bytes.slice(i, i + chunk));
  return summarizeCsv(acc.finish());
}

/** A deterministic PRNG so failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TRICKY =
  '\ufeffid,name,score,when,ok\r\n1,"a, b",1.5,2024-01-02,true\r\n2,"multi\r\nline ""q""",-2.25,2024-01-03T10:00:00Z,false\r\n' +
  '3,x,,2024-01-04,TRUE\r\n4,x,7\r\n5,bad"q,4,2024-01-01,true\r\n6,é,1e3,2024-01-05,false\r\n7,"open,1,2024-01-01,true';

describe("parsing", () => {
  it("handles BOM, CRLF, quoted commas, doubled quotes, quoted newlines and malformed rows", () => {
    const s = analyze(TRICKY);
    expect(s.dialect).toEqual({ delimiter: ",", quote: '"', header: true });
    expect(s.columns.map((c) => c.name)).toEqual(["id", "name", "score", "when", "ok"]);
    expect(s.rows).toBe(7);
    expect(s.malformed.byKind).toEqual({
      ragged: 1,
      "stray-quote": 1,
      "unterminated-quote": 1,
      "too-long": 0,
    });
    expect(s.malformed.examples).toEqual([
      { line: 6, kind: "ragged", text: "4,x,7" },
      { line: 7, kind: "stray-quote", text: '5,bad"q,4,2024-01-01,true' },
      { line: 9, kind: "unterminated-quote", text: '7,"open,1,2024-01-01,true' },
    ]);
    const [id, name, score, when, ok] = s.columns;
    expect(id?.type).toBe("integer");
    expect(id?.numeric).toMatchObject({ min: 1, max: 6, mean: 3.4 });
    expect(name?.type).toBe("text");
    expect(name?.values?.top.map((t) => t.value)).toEqual(
      expect.arrayContaining(["a, b", 'multi\r\nline "q"', "x", 'bad"q', "é"]),
    );
    expect(score).toMatchObject({ type: "number", nulls: 1, count: 4 });
    expect(score?.numeric).toMatchObject({ min: -2.25, max: 1000 });
    expect(when?.type).toBe("datetime");
    expect(ok?.type).toBe("boolean");
    expect(ok?.values?.distinct).toBe(3);
  });

  it("gives identical results byte by byte and in random chunk sizes", () => {
    const whole = analyze(TRICKY);
    expect(analyze(TRICKY, {}, 1)).toEqual(whole);
    const bytes = enc.encode(TRICKY);
    const r = rng(7);
    for (let t = 0; t < 30; t++) {
      const acc = createCsvAccumulator();
      for (let i = 0; i < bytes.length; ) {
        const n = 1 + Math.floor(r() * 12);
        acc.push(bytes.slice(i, i + n));
        i += n;
      }
      expect(summarizeCsv(acc.finish())).toEqual(whole);
    }
  });

  it("gives identical results byte by byte past the 64 KiB the dialect is detected on", () => {
    const lines = ["id;name;score"];
    for (let i = 0; i < 4000; i++) lines.push(`${i};"n;${i % 17}";${i / 8}`);
    const text = lines.join("\n");
    expect(text.length).toBeGreaterThan(64 * 1024);
    const whole = analyze(text);
    expect(whole.dialect.delimiter).toBe(";");
    expect(analyze(text, {}, 1)).toEqual(whole);
  });

  it("accepts LF and CR-only line breaks alike", () => {
    const lf = analyze("a,b\n1,x\n2,y\n");
    const cr = analyze("a,b\r1,x\r2,y\r");
    expect(cr.columns).toEqual(lf.columns);
    expect(cr.rows).toBe(2);
    expect(analyze("a,b\r1,x\r2,y\r", {}, 1).columns).toEqual(lf.columns);
  });

  it("counts fields with bytes that are not UTF-8 and does not crash", () => {
    const bytes = new Uint8Array([
      ...enc.encode("a,b\n1,"),
      0xff,
      0xfe,
      0x41,
      ...enc.encode("\n2,"),
      0xc3,
      0xa9,
      10,
    ]);
    const s = analyze(bytes);
    expect(s.invalidUtf8Fields).toBe(1);
    expect(s.columns[1]?.values?.top.map((t) => t.value)).toEqual(
      expect.arrayContaining(["\ufffd\ufffdA", "é"]),
    );
  });

  it("handles an empty file, a header-only file and one column", () => {
    const empty = analyze("");
    expect(empty.rows).toBe(0);
    expect(empty.columns).toEqual([]);
    const headerOnly = analyze("name,age\n");
    expect(headerOnly.rows).toBe(0);
    expect(headerOnly.columns.map((c) => [c.name, c.type])).toEqual([
      ["name", "empty"],
      ["age", "empty"],
    ]);
    const one = analyze("n\n1\n2\n\n3");
    expect(one.rows).toBe(3);
    expect(one.columns[0]?.numeric?.mean).toBe(2);
  });

  it("detects tab and semicolon delimiters and a missing header", () => {
    const tsv = analyze("a\tb\n1\t2,5\n3\t4,5\n");
    expect(tsv.dialect.delimiter).toBe("\t");
    expect(tsv.columns[1]?.type).toBe("text");
    const semi = analyze("a;b\n1;x\n2;y\n");
    expect(semi.dialect.delimiter).toBe(";");
    const noHeader = analyze("1,2.5\n3,4.5\n");
    expect(noHeader.dialect.header).toBe(false);
    expect(noHeader.rows).toBe(2);
    expect(noHeader.columns.map((c) => c.name)).toEqual(["column1", "column2"]);
    expect(detectCsvDialect(enc.encode("x|y\n1|2\n"), { final: true }).delimiter).toBe("|");
  });

  it("drops a row longer than maxRowBytes as malformed and resynchronises", () => {
    const s = analyze(
      `a,b\n1,x\n2,"${"z".repeat(5000)}\n3,y\n`,
      { delimiter: ",", header: true, maxRowBytes: 1000 },
      256,
    );
    expect(s.malformed.byKind["too-long"]).toBe(1);
    expect(s.columns[0]?.numeric?.max).toBe(3);
  });
});

describe("statistics", () => {
  it("keeps mean and stddev accurate on a large offset", () => {
    const r = rng(1);
    const values: number[] = [];
    for (let i = 0; i < 10_000; i++) values.push(1e9 + Math.round(r() * 1000) / 1000);
    const s = analyze(`v\n${values.join("\n")}\n`).columns[0]?.numeric;
    const mean = values.reduce((a, b) => a + (b - 1e9), 0) / values.length + 1e9;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    expect(s?.mean).toBeCloseTo(mean, 6);
    expect(Math.abs((s?.stddev ?? 0) - sd) / sd).toBeLessThan(1e-6);
  });

  it("parses numbers exactly like Number()", () => {
    const xs = ["0", "-0.5", "123.456", "+7", "1e-3", "6.02E23", ".5", "5.", "12345678901234567", "0.1"];
    for (const x of xs) expect(analyze(`v\n${x}\n`).columns[0]?.numeric?.mean).toBe(Number(x));
  });

  it("builds a histogram whose bins add up to the count", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => i);
    const n = analyze(`v\n${rows.join("\n")}\n`).columns[0]?.numeric;
    expect(n?.histogram).toHaveLength(20);
    expect(n?.histogram.reduce((a, b) => a + b.count, 0)).toBe(1000);
    for (const bin of n?.histogram ?? []) expect(Math.abs(bin.count - 50)).toBeLessThanOrEqual(6);
  });

  it("estimates 100k distinct values within 2 %", () => {
    const lines = ["k"];
    for (let i = 0; i < 100_000; i++) lines.push(`user-${i}`);
    const d = analyze(lines.join("\n")).columns[0]?.values?.distinct ?? 0;
    expect(Math.abs(d - 100_000) / 100_000).toBeLessThan(0.02);
  });

  it("finds the top values of a skewed column", () => {
    const r = rng(3);
    const lines = ["k"];
    const truth = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const x = r();
      const v = x < 0.3 ? "alpha" : x < 0.5 ? "beta" : x < 0.6 ? "gamma" : `rare-${Math.floor(r() * 1e6)}`;
      truth.set(v, (truth.get(v) ?? 0) + 1);
      lines.push(v);
    }
    const values = analyze(lines.join("\n")).columns[0]?.values;
    expect(values?.top.slice(0, 3).map((t) => t.value)).toEqual(["alpha", "beta", "gamma"]);
    for (const t of values?.top.slice(0, 3) ?? []) {
      const exact = truth.get(t.value) ?? 0;
      expect(t.count).toBeLessThanOrEqual(exact);
      expect(t.count + (values?.maxError ?? 0)).toBeGreaterThanOrEqual(exact);
    }
  });

  it("keeps the labels of frequent values when the caller reuses its chunk buffer", () => {
    const r = rng(5);
    const lines = ["k"];
    for (let i = 0; i < 30_000; i++) {
      const x = r();
      lines.push(x < 0.2 ? "heavy-1" : x < 0.3 ? '"heavy, ""2"""' : `rare-${Math.floor(r() * 1e6)}`);
    }
    const bytes = enc.encode(`${lines.join("\n")}\n`);
    const whole = analyze(bytes).columns[0]?.values;
    // One buffer, overwritten before every push: labels must be copied before the bytes change.
    const acc = createCsvAccumulator();
    const buf = new Uint8Array(777);
    for (let i = 0; i < bytes.length; i += buf.length) {
      const part = bytes.subarray(i, i + buf.length);
      buf.set(part);
      acc.push(buf.subarray(0, part.length));
    }
    const reused = summarizeCsv(acc.finish()).columns[0]?.values;
    expect(reused).toEqual(whole);
    expect(whole?.top.slice(0, 2).map((t) => t.value)).toEqual(["heavy-1", 'heavy, "2"']);
  });
});

describe("types", () => {
  it("keeps digit strings with a leading zero as text: identifiers such as ZIP codes", () => {
    const s = analyze("zip,n,x,code\n00501,0,0.5,007\n10001,10,1.25,12\n02134,3,-0.5,-01\n");
    const [zip, n, x, code] = s.columns;
    expect(zip?.type).toBe("text");
    expect(zip?.numeric).toBeUndefined();
    expect(zip?.values?.top.map((t) => t.value)).toEqual(["00501", "02134", "10001"]);
    expect(n?.type).toBe("integer");
    expect(n?.numeric).toMatchObject({ min: 0, max: 10 });
    expect(x?.type).toBe("number");
    expect(code?.type).toBe("text");
    // The same in a quoted field, and where the generic path classifies it (a long digit string).
    const quoted = analyze('zip\n"00501"\n"0000000000000000123"\n');
    expect(quoted.columns[0]?.type).toBe("text");
    expect(quoted.columns[0]?.values).toMatchObject({ distinct: 2, distinctExact: true });
  });
});

describe("merging", () => {
  it("equals the whole file when split at every row boundary", () => {
    const text =
      'id,name,v,d\n1,"a,b",1.5,2024-01-01\n2,"x\ny",,2024-01-02\n3,z,2.5\n4,z,-1,2024-01-03\n5,"q""",1e2,2024-01-04\n6,w,3,2024-01-05\n';
    const bytes = enc.encode(text);
    const whole = createCsvAccumulator();
    whole.push(bytes);
    const wholePartial = whole.finish();
    const expected = summarizeCsv(wholePartial);
    const header = wholePartial.dialect;
    for (let at = nextRowBoundary(bytes, 0); at < bytes.length; at = nextRowBoundary(bytes, at)) {
      const a = createCsvAccumulator();
      a.push(bytes.subarray(0, at));
      const pa = a.finish();
      const b = createCsvAccumulator({ delimiter: header.delimiter, columns: pa.columns });
      b.push(bytes.subarray(at));
      const merged = summarizeCsv(mergeCsvPartials(pa, b.finish()));
      // Every figure, means and standard deviations to the bit (exact sums).
      expect(merged).toEqual(expected);
    }
  });

  it("merges many pieces of a larger file into the whole", () => {
    const r = rng(11);
    const lines = ["id,cat,x"];
    for (let i = 0; i < 20_000; i++)
      lines.push(`${i},c${Math.floor(r() * r() * 50)},${(r() * 100).toFixed(3)}`);
    const bytes = enc.encode(`${lines.join("\n")}\n`);
    const whole = analyze(bytes);
    let merged: CsvPartial | null = null;
    let start = 0;
    while (start < bytes.length) {
      const end = nextRowBoundary(bytes, Math.min(bytes.length, start + 10_000));
      const acc = createCsvAccumulator(merged ? { delimiter: ",", columns: merged.columns } : {});
      acc.push(bytes.subarray(start, end));
      const p = acc.finish();
      merged = merged ? mergeCsvPartials(merged, p) : p;
      start = end;
    }
    const s = summarizeCsv(merged as CsvPartial);
    expect(s.rows).toBe(whole.rows);
    expect(s.columns[1]?.values).toEqual(whole.columns[1]?.values);
    expect(s.columns[2]?.numeric?.mean).toBe(whole.columns[2]?.numeric?.mean);
    expect(s.columns[2]?.numeric?.stddev).toBe(whole.columns[2]?.numeric?.stddev);
    expect(s.columns[2]?.numeric?.histogram).toEqual(whole.columns[2]?.numeric?.histogram);
  });

  it("finds row boundaries outside quotes", () => {
    const b = enc.encode('a,"x\ny"\nb\r\nc');
    expect(nextRowBoundary(b, 1)).toBe(8);
    expect(nextRowBoundary(b, 8)).toBe(11);
    expect(nextRowBoundary(b, 11)).toBe(12);
  });
});

describe("analyzeCsvStream", () => {
  it("reads a web ReadableStream and an async iterable", async () => {
    const bytes = enc.encode("a,b\n1,x\n2,y\n");
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, 5));
        c.enqueue(bytes.slice(5));
        c.close();
      },
    });
    async function* gen() {
      yield bytes.slice(0, 3);
      yield bytes.slice(3);
    }
    const a = await analyzeCsvStream(web);
    const b = await analyzeCsvStream(gen());
    expect(a).toEqual(b);
    expect(a.columns[0]?.numeric?.mean).toBe(1.5);
  });
});
