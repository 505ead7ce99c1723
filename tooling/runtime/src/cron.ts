/**
 * Cron expressions as Vercel Cron Jobs read them: five fields, `minute hour day-of-month month
 * day-of-week`, always in UTC. Each field takes `*`, a number, a range `a-b`, a step `*\/n` or
 * `a-b/n`, or a comma list of those; day-of-week is 0–6 with 7 also Sunday. Vercel takes no names
 * (MON, JAN), no extensions (L, W, #, ?) and no shortcuts (@daily), so neither does this parser.
 *
 * When both day fields are restricted, a day matches if either matches, as in Vixie cron: with
 * Vixie's own reading of "restricted", a field that starts with `*` (`*`, `*\/2`) is not.
 */

export class CronExpressionError extends Error {
  override readonly name = "CronExpressionError";
}

export interface CronSchedule {
  /** The expression as written. */
  source: string;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0–6, Sunday 0 (a 7 in the expression is stored as 0). */
  daysOfWeek: ReadonlySet<number>;
  /** The day-of-month field starts with `*`: days are then matched on both fields (AND). */
  dayOfMonthStar: boolean;
  dayOfWeekStar: boolean;
}

/** One `crons` entry of vercel.json, its schedule parsed. */
export interface CronJob {
  path: string;
  schedule: CronSchedule;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** What to write instead of a name, in the error for MON or JAN. */
  numbers?: string;
}

const FIELDS: FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, numbers: "use the numbers 1-12" },
  { name: "day-of-week", min: 0, max: 7, numbers: "use the numbers 0-6 (Sunday is 0 or 7)" },
];

const SHORTCUTS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const ITEM = /^(?:(\*)|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/;
const EXTENSION = /[#?]|^L$|^LW$|^L-\d+$|^\d+[LW]$/i;

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  const fail = (why: string): never => {
    throw new CronExpressionError(`${spec.name} field "${text}": ${why}`);
  };
  if (text === "") fail("empty");
  for (const item of text.split(",")) {
    if (item === "") fail("empty item in the list");
    if (EXTENSION.test(item)) fail(`"${item}" is not supported (Vercel takes no L, W, # or ? extensions)`);
    if (/[a-z]/i.test(item)) {
      fail(
        spec.numbers ? `names like "${item}" are not supported; ${spec.numbers}` : `cannot read "${item}"`,
      );
    }
    const match = ITEM.exec(item);
    if (!match) fail(`cannot read "${item}"`);
    const [, star, from, to, step] = match as RegExpExecArray;
    if (step !== undefined && star === undefined && to === undefined) {
      fail(`a step needs a range or "*": write "${from}-${spec.max}/${step}" or "*/${step}"`);
    }
    const toNumber = (digits: string): number => {
      const n = Number(digits);
      if (n < spec.min || n > spec.max) fail(`${digits} is out of range ${spec.min}-${spec.max}`);
      return n;
    };
    // Day-of-week `*` is 0-6: 7 only names Sunday again.
    const low = star ? spec.min : toNumber(from as string);
    const high = star ? (spec.name === "day-of-week" ? 6 : spec.max) : to ? toNumber(to) : low;
    if (high < low) fail(`the range ${low}-${high} runs backwards`);
    const by = step === undefined ? 1 : Number(step);
    if (by < 1) fail(`the step in "${item}" must be at least 1`);
    for (let n = low; n <= high; n += by) values.add(spec.name === "day-of-week" && n === 7 ? 0 : n);
  }
  return values;
}

/** Reads a cron expression; throws a CronExpressionError saying what is wrong with it. */
export function parseCron(expression: string): CronSchedule {
  const source = expression.trim();
  if (source.startsWith("@")) {
    const instead = SHORTCUTS[source.toLowerCase()];
    throw new CronExpressionError(
      `shortcuts like "${source}" are not supported${instead ? `; write "${instead}"` : ""}`,
    );
  }
  const parts = source === "" ? [] : source.split(/\s+/);
  if (parts.length !== 5) {
    throw new CronExpressionError(
      `expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`,
    );
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = parts.map((part, i) =>
    parseField(part, FIELDS[i] as FieldSpec),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  return {
    source,
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    dayOfMonthStar: (parts[2] as string).startsWith("*"),
    dayOfWeekStar: (parts[4] as string).startsWith("*"),
  };
}

function dayMatches(schedule: CronSchedule, date: Date): boolean {
  const dom = schedule.daysOfMonth.has(date.getUTCDate());
  const dow = schedule.daysOfWeek.has(date.getUTCDay());
  return schedule.dayOfMonthStar || schedule.dayOfWeekStar ? dom && dow : dom || dow;
}

/** Whether the schedule fires in the (UTC) minute `date` falls in. */
export function cronMatches(schedule: CronSchedule, date: Date): boolean {
  return (
    schedule.minutes.has(date.getUTCMinutes()) &&
    schedule.hours.has(date.getUTCHours()) &&
    schedule.months.has(date.getUTCMonth() + 1) &&
    dayMatches(schedule, date)
  );
}

const MINUTE = 60_000;
/** Far enough for a 29 February that skips a non-leap century year (2096, then 2104). */
const SEARCH_YEARS = 10;

/**
 * The first minute strictly after `after` at which the schedule fires, or null if it never does
 * (`0 0 30 2 *`) within the next ten years.
 */
export function nextCronTime(schedule: CronSchedule, after: Date): Date | null {
  const date = new Date(Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE);
  const end = new Date(date);
  end.setUTCFullYear(end.getUTCFullYear() + SEARCH_YEARS);
  while (date <= end) {
    if (!schedule.months.has(date.getUTCMonth() + 1)) {
      date.setUTCMonth(date.getUTCMonth() + 1, 1);
      date.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(schedule, date)) {
      date.setUTCDate(date.getUTCDate() + 1);
      date.setUTCHours(0, 0, 0, 0);
    } else if (!schedule.hours.has(date.getUTCHours())) {
      date.setUTCHours(date.getUTCHours() + 1, 0, 0, 0);
    } else if (!schedule.minutes.has(date.getUTCMinutes())) {
      date.setUTCMinutes(date.getUTCMinutes() + 1, 0, 0);
    } else {
      return date;
    }
  }
  return null;
}
