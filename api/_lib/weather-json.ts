import type { WeatherAnswer } from "@repo/validation/api/weather";

interface Serialised {
  key: string;
  alerts: WeatherAnswer["alerts"];
  text: string;
  /** The text as UTF-8, encoded on first use. */
  bytes?: Uint8Array<ArrayBuffer>;
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
  return serialised(answer).text;
}

const utf8 = new TextEncoder();

/**
 * The same text as UTF-8 bytes, encoded once per text. Answered as bytes, a warm request's body is written
 * to the socket as it is; as a string (the forecast's "°F" makes it two bytes a character) it was
 * encoded to UTF-8 again on every request (issue 15: 7% of its garbage). The array is shared between responses and must not be
 * written to; a Response given it copies it anyway, except the local runtime's, which only sends it.
 */
export function weatherJsonBytes(answer: WeatherAnswer): Uint8Array<ArrayBuffer> {
  const memo = serialised(answer);
  memo.bytes ??= utf8.encode(memo.text);
  return memo.bytes;
}

function serialised(answer: WeatherAnswer): Serialised {
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
  if (memo && memo.key === key && memo.alerts === answer.alerts) return memo;
  const fresh: Serialised = { key, alerts: answer.alerts, text: JSON.stringify(answer) };
  lastText.set(answer.current, fresh);
  return fresh;
}
