/** A colour that covers part of an image: `hex` like "#ff0000", `share` of the opaque pixels near it, 0..1. */
export interface DominantColor {
  hex: string;
  share: number;
}

type Rgb = [number, number, number];

function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

/**
 * How far (Euclidean, in 8-bit RGB) a pixel may be from a colour and still count as that colour: a
 * shade the eye calls the same, not a neighbour of another hue.
 */
const NEAR = 40;

function distance2(a: Rgb, b: Rgb): number {
  return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;
}

function mean(pixels: Rgb[]): Rgb {
  const sum: Rgb = [0, 0, 0];
  for (const p of pixels) {
    sum[0] += p[0];
    sum[1] += p[1];
    sum[2] += p[2];
  }
  const n = Math.max(1, pixels.length);
  return [sum[0] / n, sum[1] / n, sum[2] / n];
}

/**
 * The one exact colour most of `pixels` have, if there is one: a flat area is reported as its own
 * colour, not as the mean it makes with the few stray pixels near it.
 */
function plain(pixels: Rgb[]): Rgb | null {
  const counts = new Map<number, number>();
  let best = -1;
  let bestCount = 0;
  for (const [r, g, b] of pixels) {
    const key = (r << 16) | (g << 8) | b;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n > bestCount) {
      bestCount = n;
      best = key;
    }
  }
  return bestCount * 2 > pixels.length ? [best >> 16, (best >> 8) & 0xff, best & 0xff] : null;
}

/** Splits the box along its widest channel at the median; the classic median-cut step. */
function split(box: Rgb[]): [Rgb[], Rgb[]] | null {
  let widest = 0;
  let range = 0;
  for (let c = 0; c < 3; c++) {
    let lo = 255;
    let hi = 0;
    for (const p of box) {
      lo = Math.min(lo, p[c] ?? 0);
      hi = Math.max(hi, p[c] ?? 0);
    }
    if (hi - lo > range) {
      range = hi - lo;
      widest = c;
    }
  }
  // Boxes narrower than this are one colour to the eye; splitting them would only add near-duplicates.
  if (range < 16 || box.length < 2) return null;
  const sorted = [...box].sort((a, b) => (a[widest] ?? 0) - (b[widest] ?? 0));
  // Split between distinct values so two flat halves of a two-colour image separate exactly.
  let mid = sorted.length >> 1;
  const pivot = sorted[mid]?.[widest] ?? 0;
  while (mid > 0 && (sorted[mid - 1]?.[widest] ?? 0) === pivot) mid--;
  if (mid === 0) {
    mid = sorted.length >> 1;
    while (mid < sorted.length && (sorted[mid]?.[widest] ?? 0) === pivot) mid++;
  }
  if (mid === 0 || mid === sorted.length) return null;
  return [sorted.slice(0, mid), sorted.slice(mid)];
}

/**
 * The top colours of an RGBA pixel buffer (small: the caller downsamples to 64×64 first). Median cut
 * gives deterministic starting clusters, then a few k-means passes move each colour to the centre of its
 * pixels. Pixels under half opacity are ignored, so a logo on transparency reports the logo's colours.
 *
 * A colour's share counts the pixels of its cluster that are near it (within {@link NEAR}), not every
 * pixel assigned to it: a textured or noisy background cut into clusters would otherwise report each
 * blend at about 1/(2 × count) of the picture (10 % for 5 colours), shares of no colour anyone sees,
 * and push a plain colour of 9.75 % out of the list.
 *
 * @param rgba - interleaved 8-bit RGBA
 * @param count - how many colours at most; their shares add up to 1 only when the image has no others
 * @example dominantColors(pixels, 5) // [{ hex: "#ff0000", share: 0.5 }, { hex: "#0000ff", share: 0.5 }]
 */
export function dominantColors(rgba: Uint8Array, count = 5): DominantColor[] {
  const pixels: Rgb[] = [];
  for (let i = 0; i + 3 < rgba.length; i += 4) {
    if ((rgba[i + 3] ?? 0) >= 128) pixels.push([rgba[i] ?? 0, rgba[i + 1] ?? 0, rgba[i + 2] ?? 0]);
  }
  if (pixels.length === 0 || count < 1) return [];

  // Cluster finer than asked, then report the largest clusters: with exactly `count` clusters, an image
  // with more distinct colours gets averaged blends ("#009459" for green + blue) instead of its real ones.
  const clusters = Math.max(count * 2, 8);
  let boxes: Rgb[][] = [pixels];
  while (boxes.length < clusters) {
    // Split the most populous box that can still be split.
    const order = boxes.map((b, i) => [b.length, i] as const).sort((a, b) => b[0] - a[0]);
    let didSplit = false;
    for (const [, i] of order) {
      const halves = split(boxes[i] ?? []);
      if (halves) {
        boxes = [...boxes.slice(0, i), ...halves, ...boxes.slice(i + 1)];
        didSplit = true;
        break;
      }
    }
    if (!didSplit) break;
  }

  let centres = boxes.map(mean);
  let members: Rgb[][] = boxes;
  for (let pass = 0; pass < 4; pass++) {
    members = centres.map(() => []);
    for (const p of pixels) {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      centres.forEach((c, i) => {
        const d = distance2(p, c);
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      });
      members[best]?.push(p);
    }
    centres = members.map((m, i) => (m.length > 0 ? mean(m) : (centres[i] ?? [0, 0, 0])));
  }

  const near2 = NEAR * NEAR;
  return members
    .map((m, i) => {
      const centre = centres[i] ?? [0, 0, 0];
      const near = m.filter((p) => distance2(p, centre) <= near2);
      return { hex: hex(plain(near) ?? centre), share: near.length / pixels.length };
    })
    .filter((c) => c.share > 0)
    .sort((a, b) => b.share - a.share)
    .slice(0, count)
    .map((c) => ({ hex: c.hex, share: Math.round(c.share * 1000) / 1000 }));
}
