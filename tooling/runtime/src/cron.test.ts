import { describe, expect, it } from "vitest";
import { CronExpressionError, type CronSchedule, cronMatches, nextCronTime, parseCron } from "./cron.ts";

const utc = (iso: string) => new Date(`${iso}Z`);
const sorted = (set: ReadonlySet<number>) => [...set].sort((a, b) => a - b);

/** The next `count` fire times after `from`, as ISO strings without seconds. */
function fires(expression: string, from: string, count = 1): string[] {
  const schedule = parseCron(expression);
  const out: string[] = [];
  let at = utc(from);
  for (let i = 0; i < count; i++) {
    const next = nextCronTime(schedule, at);
    if (!next) break;
    out.push(next.toISOString().slice(0, 16));
    at = next;
  }
  return out;
}

describe("parseCron", () => {
  it("reads every form of a field: *, numbers, ranges, steps and lists", () => {
    const s = parseCron("*/15 0-23/6 1,15,31 2-4 1-5");
    expect(sorted(s.minutes)).toEqual([0, 15, 30, 45]);
    expect(sorted(s.hours)).toEqual([0, 6, 12, 18]);
    expect(sorted(s.daysOfMonth)).toEqual([1, 15, 31]);
    expect(sorted(s.months)).toEqual([2, 3, 4]);
    expect(sorted(s.daysOfWeek)).toEqual([1, 2, 3, 4, 5]);
    expect(s.source).toBe("*/15 0-23/6 1,15,31 2-4 1-5");
  });

  it("takes steps over ranges, lists of ranges, and a step longer than its range", () => {
    expect(sorted(parseCron("10-30/10 * * * *").minutes)).toEqual([10, 20, 30]);
    expect(sorted(parseCron("1-10/4,50-59/5 * * * *").minutes)).toEqual([1, 5, 9, 50, 55]);
    expect(sorted(parseCron("5-10/60 * * * *").minutes)).toEqual([5]);
    expect(sorted(parseCron("* * */10 * *").daysOfMonth)).toEqual([1, 11, 21, 31]);
    expect(sorted(parseCron("* * * */5 *").months)).toEqual([1, 6, 11]);
  });

  it("reads 7 as Sunday, and day-of-week * as 0-6", () => {
    expect(sorted(parseCron("0 0 * * 7").daysOfWeek)).toEqual([0]);
    expect(sorted(parseCron("0 0 * * 5-7").daysOfWeek)).toEqual([0, 5, 6]);
    expect(sorted(parseCron("0 0 * * *").daysOfWeek)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sorted(parseCron("0 0 * * */2").daysOfWeek)).toEqual([0, 2, 4, 6]);
  });

  it("allows extra whitespace between and around fields", () => {
    expect(parseCron("  0   12 * *\t1 ").source).toBe("0   12 * *\t1");
  });

  it.each([
    ["", /expected 5 fields.*found 0/],
    ["* * * *", /expected 5 fields.*found 4/],
    ["0 * * * * *", /expected 5 fields.*found 6/],
    ["60 * * * *", /minute field "60": 60 is out of range 0-59/],
    ["* 24 * * *", /hour field "24": 24 is out of range 0-23/],
    ["* * 0 * *", /day-of-month field "0": 0 is out of range 1-31/],
    ["* * 32 * *", /out of range 1-31/],
    ["* * * 0 *", /month field "0": 0 is out of range 1-12/],
    ["* * * 13 *", /out of range 1-12/],
    ["* * * * 8", /day-of-week field "8": 8 is out of range 0-7/],
    ["30-10 * * * *", /the range 30-10 runs backwards/],
    ["*/0 * * * *", /step in "\*\/0" must be at least 1/],
    ["5/15 * * * *", /a step needs a range or "\*": write "5-59\/15" or "\*\/15"/],
    ["1,,2 * * * *", /empty item/],
    ["1- * * * *", /cannot read "1-"/],
    ["*-5 * * * *", /cannot read/],
    ["-1 * * * *", /cannot read "-1"/],
    ["1.5 * * * *", /cannot read "1.5"/],
    ["abc * * * *", /minute field "abc": cannot read "abc"/],
  ])("rejects %j", (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CronExpressionError);
    expect(() => parseCron(expression)).toThrow(message);
  });

  it("rejects names, which Vercel does not take, saying which numbers to use", () => {
    expect(() => parseCron("0 0 * * MON")).toThrow(
      /day-of-week field "MON": names like "MON" are not supported; use the numbers 0-6/,
    );
    expect(() => parseCron("0 0 * * mon-fri")).toThrow(/names like "mon-fri"/);
    expect(() => parseCron("0 0 1 JAN *")).toThrow(/month field "JAN".*use the numbers 1-12/);
  });

  it.each([
    ["0 0 L * *"],
    ["0 0 15W * *"],
    ["0 0 LW * *"],
    ["0 0 L-3 * *"],
    ["0 0 * * 5L"],
    ["0 0 * * 1#2"],
    ["0 0 ? * 1"],
  ])("rejects the extension in %j", (expression) => {
    expect(() => parseCron(expression)).toThrow(/not supported \(Vercel takes no L, W, # or \? extensions\)/);
  });

  it("rejects shortcuts like @daily, naming the five fields to write", () => {
    expect(() => parseCron("@daily")).toThrow(
      /shortcuts like "@daily" are not supported; write "0 0 \* \* \*"/,
    );
    expect(() => parseCron("@hourly")).toThrow(/"0 \* \* \* \*"/);
    expect(() => parseCron("@reboot")).toThrow(/shortcuts like "@reboot" are not supported$/);
  });
});

describe("cronMatches", () => {
  it("matches the minute in UTC", () => {
    const s = parseCron("30 9 * * *");
    expect(cronMatches(s, utc("2025-03-04T09:30:00"))).toBe(true);
    expect(cronMatches(s, utc("2025-03-04T09:30:59.999"))).toBe(true);
    expect(cronMatches(s, utc("2025-03-04T09:31:00"))).toBe(false);
    expect(cronMatches(s, new Date("2025-03-04T09:30:00+02:00"))).toBe(false);
  });

  it("matches a day when either day field does, if both are restricted (Vixie cron)", () => {
    // The 1st and 15th of each month, and every Friday.
    const s = parseCron("30 4 1,15 * 5");
    expect(cronMatches(s, utc("2025-01-01T04:30:00"))).toBe(true); // a Wednesday, the 1st
    expect(cronMatches(s, utc("2025-01-15T04:30:00"))).toBe(true); // a Wednesday, the 15th
    expect(cronMatches(s, utc("2025-01-03T04:30:00"))).toBe(true); // a Friday, the 3rd
    expect(cronMatches(s, utc("2025-01-02T04:30:00"))).toBe(false); // a Thursday, the 2nd
  });

  it("needs both day fields to match when either starts with *, even as */n (Vixie cron)", () => {
    const onlyDom = parseCron("0 0 13 * *");
    expect(cronMatches(onlyDom, utc("2025-06-13T00:00:00"))).toBe(true);
    expect(cronMatches(onlyDom, utc("2025-06-06T00:00:00"))).toBe(false);
    // Odd days that are also Mondays: */2 counts as unrestricted, so AND applies.
    const stepped = parseCron("0 0 */2 * 1");
    expect(cronMatches(stepped, utc("2025-06-09T00:00:00"))).toBe(true); // Monday the 9th
    expect(cronMatches(stepped, utc("2025-06-16T00:00:00"))).toBe(false); // Monday the 16th
    expect(cronMatches(stepped, utc("2025-06-11T00:00:00"))).toBe(false); // Wednesday the 11th
  });

  it("treats day-of-week 0 and 7 alike", () => {
    const sunday = utc("2025-06-15T00:00:00");
    expect(cronMatches(parseCron("0 0 * * 0"), sunday)).toBe(true);
    expect(cronMatches(parseCron("0 0 * * 7"), sunday)).toBe(true);
  });
});

describe("nextCronTime", () => {
  it("is strictly after the time given, on a whole minute", () => {
    expect(fires("* * * * *", "2025-01-01T00:00:00")).toEqual(["2025-01-01T00:01"]);
    expect(fires("* * * * *", "2025-01-01T00:00:59.999")).toEqual(["2025-01-01T00:01"]);
    const next = nextCronTime(parseCron("* * * * *"), utc("2025-01-01T00:00:30"));
    expect(next?.getUTCSeconds()).toBe(0);
    expect(next?.getUTCMilliseconds()).toBe(0);
  });

  it("steps through minutes, hours and days", () => {
    expect(fires("*/5 * * * *", "2025-01-01T10:58:00", 3)).toEqual([
      "2025-01-01T11:00",
      "2025-01-01T11:05",
      "2025-01-01T11:10",
    ]);
    expect(fires("15 */8 * * *", "2025-01-01T16:15:00", 3)).toEqual([
      "2025-01-02T00:15",
      "2025-01-02T08:15",
      "2025-01-02T16:15",
    ]);
  });

  it("crosses month ends, skipping months without the day", () => {
    expect(fires("0 0 31 * *", "2025-01-31T00:00:00", 4)).toEqual([
      "2025-03-31T00:00",
      "2025-05-31T00:00",
      "2025-07-31T00:00",
      "2025-08-31T00:00",
    ]);
    expect(fires("0 12 30 * *", "2025-01-30T12:00:00", 2)).toEqual(["2025-03-30T12:00", "2025-04-30T12:00"]);
    expect(fires("59 23 * * *", "2025-04-30T23:59:00")).toEqual(["2025-05-01T23:59"]);
  });

  it("crosses a year end", () => {
    expect(fires("59 23 31 12 *", "2025-06-01T00:00:00", 2)).toEqual([
      "2025-12-31T23:59",
      "2026-12-31T23:59",
    ]);
    expect(fires("0 0 1 1 *", "2025-12-31T23:59:00")).toEqual(["2026-01-01T00:00"]);
  });

  it("finds 29 February in leap years only, and across 2100, which is not one", () => {
    expect(fires("0 0 29 2 *", "2025-01-01T00:00:00", 2)).toEqual(["2028-02-29T00:00", "2032-02-29T00:00"]);
    expect(fires("0 0 29 2 *", "2096-03-01T00:00:00")).toEqual(["2104-02-29T00:00"]);
  });

  it("applies the OR rule of the day fields", () => {
    // The 13th, or any Friday: from Monday 2025-06-09.
    expect(fires("0 9 13 * 5", "2025-06-09T00:00:00", 4)).toEqual([
      "2025-06-13T09:00", // Friday the 13th: once, not twice
      "2025-06-20T09:00",
      "2025-06-27T09:00",
      "2025-07-04T09:00",
    ]);
    expect(fires("0 9 15 * 1", "2025-07-01T00:00:00", 3)).toEqual([
      "2025-07-07T09:00", // Monday
      "2025-07-14T09:00", // Monday
      "2025-07-15T09:00", // the 15th, a Tuesday
    ]);
  });

  it("finds weekdays in a range, and weekends written with 7", () => {
    // 2025-06-13 is a Friday.
    expect(fires("0 18 * * 1-5", "2025-06-13T18:00:00", 2)).toEqual(["2025-06-16T18:00", "2025-06-17T18:00"]);
    expect(fires("0 8 * * 6-7", "2025-06-13T00:00:00", 3)).toEqual([
      "2025-06-14T08:00",
      "2025-06-15T08:00",
      "2025-06-21T08:00",
    ]);
  });

  it("takes only the listed months", () => {
    expect(fires("0 0 1 */3 *", "2025-02-15T00:00:00", 3)).toEqual([
      "2025-04-01T00:00",
      "2025-07-01T00:00",
      "2025-10-01T00:00",
    ]);
  });

  it("answers null for a schedule that never fires", () => {
    const never: CronSchedule = parseCron("0 0 30 2 *");
    expect(nextCronTime(never, utc("2025-01-01T00:00:00"))).toBeNull();
    expect(nextCronTime(parseCron("0 0 31 4,6,9,11 *"), utc("2025-01-01T00:00:00"))).toBeNull();
  });

  it("agrees with cronMatches minute by minute over a few days", () => {
    const s = parseCron("*/7 1-3,22 1,2,28-31 * 0,3");
    let at = utc("2025-02-26T00:00:00");
    const end = utc("2025-03-04T00:00:00").getTime();
    const expected: number[] = [];
    for (let t = at.getTime() + 60_000; t <= end; t += 60_000)
      if (cronMatches(s, new Date(t))) expected.push(t);
    const found: number[] = [];
    for (;;) {
      const next = nextCronTime(s, at);
      if (!next || next.getTime() > end) break;
      found.push(next.getTime());
      at = next;
    }
    expect(found).toEqual(expected);
    expect(found.length).toBeGreaterThan(0);
  });
});
