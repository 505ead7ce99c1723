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

/**
 * A statistic for a table cell: whole numbers with thousands separators, others with as many
 * decimals as their size deserves (1234.5678 → "1,234.6", 3.14159 → "3.142", 0.000123 → "0.000123").
 */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  if (abs >= 1e15 || abs < 1e-6) return value.toExponential(2);
  const options: Intl.NumberFormatOptions =
    abs >= 1000
      ? { maximumFractionDigits: 1 }
      : abs >= 1
        ? { maximumFractionDigits: 3 }
        : { maximumSignificantDigits: 3 };
  return value.toLocaleString("en-US", options);
}

/** A share of 1 as a percentage: 0.425 → "42.5%", 0.5 → "50%", a sliver that rounds to nothing → "<0.1%". */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "—";
  const pct = share * 100;
  const rounded = Number(pct.toFixed(digits));
  if (rounded === 0 && pct > 0) return `<${(10 ** -digits).toFixed(digits)}%`;
  return `${rounded}%`;
}

/** 850 → "850 ms", 1234 → "1.2 s", 42_000 → "42 s", 125_000 → "2 min 5 s", 3_720_000 → "1 h 2 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${Number(s.toFixed(1))} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const total = Math.round(s);
  if (total < 3600) {
    const sec = total % 60;
    return `${Math.floor(total / 60)} min${sec ? ` ${sec} s` : ""}`;
  }
  const min = Math.floor((total % 3600) / 60);
  return `${Math.floor(total / 3600)} h${min ? ` ${min} min` : ""}`;
}

const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
/** Each unit is used below this many seconds; its length in seconds. */
const UNITS: [Intl.RelativeTimeFormatUnit, number, number][] = [
  ["second", 60, 1],
  ["minute", 3600, 60],
  ["hour", 86_400, 3600],
  ["day", 7 * 86_400, 86_400],
  ["week", 30 * 86_400, 7 * 86_400],
  ["month", 365 * 86_400, 30.44 * 86_400],
  ["year", Number.POSITIVE_INFINITY, 365.25 * 86_400],
];

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago": how long before `now` a moment was. */
export function formatRelative(then: Date, now: Date): string {
  const seconds = (then.getTime() - now.getTime()) / 1000;
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, below, size] of UNITS) {
    if (Math.abs(seconds) < below) return RELATIVE.format(Math.round(seconds / size), unit);
  }
  return RELATIVE.format(Math.round(seconds / (365.25 * 86_400)), "year");
}

/**
 * The short name of a place's time zone at a moment ("EST", "PDT"; "GMT+5:30" where English has no
 * abbreviation), or null for a zone this browser does not know.
 *
 * @example zoneAbbreviation("2025-01-15T10:00:00-05:00", "America/New_York") // "EST"
 */
export function zoneAbbreviation(iso: string, timeZone: string): string | null {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return null;
  try {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" }).formatToParts(at);
    return parts.find((p) => p.type === "timeZoneName")?.value ?? null;
  } catch {
    return null;
  }
}

/**
 * A time at a place, on the place's own clock and labelled with its zone, whatever the viewer's zone:
 * "10:00 AM EST", or "10:00 AM local time" when the zone has no name here.
 *
 * @example placeTime("2025-01-15T10:00:00-05:00", "America/New_York") // "10:00 AM EST"
 */
export function placeTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "—";
  return `${localTime(iso)} ${zoneAbbreviation(iso, timeZone) ?? "local time"}`;
}

/**
 * Why alerts are missing, in words for people: the reason the API gives without the provider's own
 * error text, which it appends in parentheses ("… is having trouble (HTTP 503: Forecast Grid
 * Expired)." → "… is having trouble.").
 *
 * @example alertsNote("The National Weather Service is having trouble (HTTP 503: Grid Expired).")
 * // "The National Weather Service is having trouble."
 */
export function alertsNote(reason: string | null | undefined): string {
  const human = (reason ?? "").replace(/\s*\((?:HTTP|status)\b[\s\S]*\)\s*\.?\s*$/i, "").trim();
  if (!human) return "The National Weather Service could not be asked for alerts.";
  return /[.!?]$/.test(human) ? human : `${human}.`;
}
