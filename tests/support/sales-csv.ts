/**
 * A generated sales CSV (`id,amount,label`, ~37 bytes a row, a quoted label with a comma in it), as
 * pieces of about 1 MiB: big files for the pipeline's tests without holding them in memory.
 */
export function* salesCsv(count: number): Generator<Uint8Array> {
  const enc = new TextEncoder();
  yield enc.encode("id,amount,label\n");
  let chunk = "";
  for (let i = 1; i <= count; i++) {
    chunk += `${i},${(i % 1000) / 4},"item ${i % 97}, boxed"\n`;
    if (chunk.length > 1 << 20) {
      yield enc.encode(chunk);
      chunk = "";
    }
  }
  yield enc.encode(chunk);
}

/**
 * The means of salesCsv(count)'s numeric columns, id and amount: exact doubles when `count` is a
 * multiple of 1000 (every amount residue then appears count / 1000 times), so a correct analysis,
 * chunked or not, gives them to the bit.
 */
export function salesCsvMeans(count: number): { id: number; amount: number } {
  if (count % 1000 !== 0) throw new Error("salesCsvMeans: count must be a multiple of 1000");
  return { id: (count + 1) / 2, amount: 999 / 8 };
}
