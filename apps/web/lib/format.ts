/** A number with its unit, or a dash when the provider had no value (never a made-up zero). */
export function withUnit(value: number | null | undefined, unit: string, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return `${value.toFixed(digits)}${unit.startsWith("°") ? "" : " "}${unit}`;
}

const COMPASS = [
  "N",
  "NNE",
  "NE",
  "ENE",
  "E",
  "ESE",
  "SE",
  "SSE",
  "S",
  "SSW",
  "SW",
  "WSW",
  "W",
  "WNW",
  "NW",
  "NNW",
];

/** 225 → "SW". */
export function compass(degrees: number | null | undefined): string {
  if (degrees === null || degrees === undefined) return "";
  return COMPASS[Math.round((((degrees % 360) + 360) % 360) / 22.5) % 16] ?? "";
}

/**
 * The wall-clock time in an ISO string that carries the place's offset ("2025-08-07T14:00:00-04:00"),
 * shown as the place's own local time, whatever the viewer's zone.
 */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const m = /T(\d{2}):(\d{2})/.exec(iso);
  if (!m) return iso;
  const h = Number(m[1]);
  return `${((h + 11) % 12) + 1}:${m[2]} ${h < 12 ? "AM" : "PM"}`;
}

/** "2025-08-07" → "Thu, Aug 7", read as a calendar date (no time zone shift). */
export function dayLabel(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  return d.toLocaleDateString("en-US", { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" });
}
