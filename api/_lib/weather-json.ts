import type { WeatherAnswer } from "@repo/validation/api/weather";

interface Serialised {
  key: string;
  alerts: WeatherAnswer["alerts"];
  text: string;
}

/**
 * The last JSON text of a weather answer, per cached forecast entry. Serialising the week-long
 * forecast was the largest single cost of a warm request (issue 15's profile: a tenth of its CPU),
 * and a warm request's answer is the same text until something in it changes. The entry's
 * `current` object stands for the forecast itself (a new fetch makes a new one); the key holds
 * everything else that varies per request (the place asked for, the hours left once past ones are
 * dropped, the cached/stale flags, when it was fetched); alerts are compared by identity (their
 * cache hands out the same array until it refreshes).
 */
const lastText = new WeakMap<object, Serialised>();

/** `JSON.stringify(answer)`, reused while the answer stays the same. */
export function weatherJson(answer: WeatherAnswer): string {
  const { hourly } = answer;
  const key = [
    answer.zipcode,
    answer.place.city,
    hourly.length,
    hourly[0]?.time ?? "",
    answer.cached,
    answer.stale,
    answer.fetchedAt,
    answer.alertsUnavailableReason ?? "",
    answer.source.places ?? "",
  ].join("|");
  const memo = lastText.get(answer.current);
  if (memo && memo.key === key && memo.alerts === answer.alerts) return memo.text;
  const text = JSON.stringify(answer);
  lastText.set(answer.current, { key, alerts: answer.alerts, text });
  return text;
}
