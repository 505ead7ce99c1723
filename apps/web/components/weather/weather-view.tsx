"use client";

import type { WeatherAnswer } from "@repo/validation/api/weather";
import { zipcodeSchema } from "@repo/validation/weather";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import useSWR from "swr";
import { type ApiError, api, apiUrl } from "@/lib/api";
import { alertsNote, compass, dayLabel, formatRelative, placeTime, withUnit } from "@/lib/format";
import { showsOfflineHint } from "@/lib/offline-hint";
import { HourlyChart } from "./hourly-chart";
import { ZipForm, zipProblem } from "./zip-form";

type Units = "imperial" | "metric";

/** The weather page: the URL is the state (?zipcode=48824&units=metric), so it can be shared. */
export function WeatherView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const given = params.get("zipcode");
  const zipcode = given?.trim() ?? "";
  // Only a ZIP code the shared schema accepts is sent; for any other the form says what is wrong,
  // and no answer about an earlier ZIP code stays on screen.
  const checked = zipcodeSchema.safeParse(zipcode);
  const validZip = zipcode && checked.success ? checked.data : null;
  const units: Units = params.get("units") === "metric" ? "metric" : "imperial";
  const navigate = (next: { zipcode?: string; units?: Units }) => {
    const q = new URLSearchParams();
    q.set("zipcode", next.zipcode ?? zipcode);
    const u = next.units ?? units;
    if (u !== "imperial") q.set("units", u);
    router.push(`${pathname}?${q}`, { scroll: false });
  };

  const query = validZip ? { zipcode: validZip, units } : null;
  const key = query ? ([apiUrl.weather(query), query] as const) : null;
  const { data, error, isLoading, mutate, isValidating } = useSWR<WeatherAnswer, ApiError>(
    key,
    ([, q]: NonNullable<typeof key>) => api.weather.get(q),
    {
      revalidateOnFocus: false,
      shouldRetryOnError: false,
      keepPreviousData: true,
    },
  );
  const shown = data && validZip && data.zipcode === validZip ? data : undefined;

  return (
    <>
      <section className="card">
        <ZipForm
          initial={zipcode}
          problem={zipProblem(given)}
          onSubmit={(zip) => navigate({ zipcode: zip })}
        />
        <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="hint" style={{ float: "left", marginRight: "0.5rem" }}>
            Units
          </legend>
          {(["imperial", "metric"] as const).map((u) => (
            <button
              key={u}
              type="button"
              aria-pressed={units === u}
              disabled={!validZip}
              onClick={() => navigate({ units: u })}
              style={units === u ? { borderColor: "var(--accent)", fontWeight: 600 } : undefined}
            >
              {u === "imperial" ? "°F, mph" : "°C, km/h"}
            </button>
          ))}
        </fieldset>
      </section>

      <div aria-live="polite" aria-busy={isLoading || isValidating} data-testid="weather-result">
        {!zipcode ? <p className="hint">Type a US ZIP code to see its weather.</p> : null}
        {validZip && isLoading && !shown ? <WeatherSkeleton /> : null}
        {validZip && error ? <WeatherError error={error} onRetry={() => void mutate()} /> : null}
        {shown && !error ? <WeatherReport data={shown} /> : null}
      </div>
    </>
  );
}

function WeatherSkeleton() {
  return (
    <div role="status" aria-label="Loading the forecast" style={{ marginTop: "1rem" }}>
      <div className="card">
        <div className="skeleton" style={{ width: "35%", height: "1.6rem" }} />
        <div className="skeleton" style={{ width: "20%", height: "3rem", marginTop: "0.75rem" }} />
        <div className="skeleton" style={{ height: "14rem", marginTop: "1rem" }} />
      </div>
    </div>
  );
}

const ERROR_TITLES: Record<string, string> = {
  invalid_request: "That doesn't look like a ZIP code",
  unknown_zipcode: "We don't know that ZIP code",
  military_zipcode: "Military ZIP codes have no fixed place",
  upstream_rate_limited: "The weather service is busy",
  upstream_timeout: "The weather service is slow to answer",
  upstream_unreachable: "The weather service can't be reached",
};

function WeatherError({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  const retryable = error.status === 0 || error.status >= 500;
  return (
    <section className="card" style={{ marginTop: "1rem", borderColor: "var(--bad)" }}>
      <h2 style={{ fontSize: "1.15rem", marginTop: 0 }}>
        {ERROR_TITLES[error.code] ?? "The forecast could not be loaded"}
      </h2>
      <p>{error.message}</p>
      {showsOfflineHint(error, process.env.NODE_ENV) ? (
        <p className="hint">
          Offline? Run <code>pnpm dev:offline</code> to use the built-in weather stand-in (generated data,
          marked as such).
        </p>
      ) : null}
      {retryable ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </section>
  );
}

function WeatherReport({ data }: { data: WeatherAnswer }) {
  const { current, units } = data;
  return (
    <div style={{ display: "grid", gap: "1rem", marginTop: "1rem" }}>
      {data.source.standin ? (
        <p className="card standin-note" role="note">
          <strong>Test data.</strong> This forecast comes from the local stand-in server that
          OPEN_METEO_BASE_URL points at, not from Open-Meteo: it is made up for tests and offline demos.
        </p>
      ) : null}
      {data.alerts && data.alerts.length > 0 ? (
        <section className="card" style={{ borderColor: "var(--warn)" }} aria-labelledby="alerts-title">
          <h2 id="alerts-title" style={{ fontSize: "1.1rem", marginTop: 0, color: "var(--warn)" }}>
            {data.alerts.length === 1 ? "Active alert" : `${data.alerts.length} active alerts`}
          </h2>
          {data.alerts.map((alert) => (
            <details key={alert.id}>
              <summary>
                <strong>{alert.event}</strong>
                {alert.severity ? ` · ${alert.severity}` : ""}
                {alert.ends || alert.expires
                  ? ` · until ${placeTime(alert.ends ?? alert.expires, data.timezone)}`
                  : ""}
              </summary>
              {alert.headline ? <p>{alert.headline}</p> : null}
              {alert.description ? <p style={{ whiteSpace: "pre-line" }}>{alert.description}</p> : null}
              {alert.instruction ? <p style={{ whiteSpace: "pre-line" }}>{alert.instruction}</p> : null}
            </details>
          ))}
        </section>
      ) : null}

      <section className="card" aria-labelledby="now-title">
        <h2 id="now-title" style={{ margin: 0, fontSize: "1.25rem" }}>
          {data.place.city}, {data.place.state} <span className="hint">{data.zipcode}</span>
        </h2>
        {current ? (
          <>
            <p style={{ fontSize: "3rem", margin: "0.25rem 0", fontWeight: 600 }}>
              {withUnit(current.temperature, units.temperature)}
            </p>
            <p style={{ margin: 0, fontSize: "1.1rem" }}>{current.description ?? "—"}</p>
            <dl className="facts">
              <dt>Feels like</dt>
              <dd>{withUnit(current.feelsLike, units.temperature)}</dd>
              <dt>Humidity</dt>
              <dd>{withUnit(current.humidity, "%")}</dd>
              <dt>Wind</dt>
              <dd>
                {withUnit(current.windSpeed, units.windSpeed)} {compass(current.windDirection)}
                {current.windGust !== null ? `, gusts ${withUnit(current.windGust, units.windSpeed)}` : ""}
              </dd>
              <dt>As of</dt>
              <dd>{placeTime(current.time, data.timezone)}</dd>
            </dl>
          </>
        ) : (
          <p className="hint">No current conditions in this answer.</p>
        )}
        {data.alerts === null ? (
          <p className="hint" data-testid="alerts-unavailable">
            Weather alerts are unavailable right now, so none are shown here:{" "}
            {alertsNote(data.alertsUnavailableReason)}
          </p>
        ) : null}
      </section>

      {data.hourly.length > 0 ? (
        <section className="card" aria-labelledby="hourly-title">
          <h2 id="hourly-title" style={{ fontSize: "1.1rem", marginTop: 0 }}>
            Next {data.hourly.length} hours
          </h2>
          <HourlyChart
            points={data.hourly}
            temperatureUnit={units.temperature}
            utcOffsetSeconds={data.utcOffsetSeconds ?? 0}
          />
        </section>
      ) : null}

      <section className="card" aria-labelledby="daily-title">
        <h2 id="daily-title" style={{ fontSize: "1.1rem", marginTop: 0 }}>
          {data.daily.length}-day forecast
        </h2>
        <DailyList data={data} />
      </section>

      <p className="hint">
        {data.source.attribution.includes("Open-Meteo") ? (
          <>
            {/* Stand-in answers are generated: they are never credited to the real providers. */}
            {data.source.standin ? "Generated by the local stand-in, in the format of " : "Weather data by "}
            <a href="https://open-meteo.com/">Open-Meteo.com</a> (
            <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>)
          </>
        ) : (
          data.source.attribution
        )}
        {data.source.alerts ? (
          <>
            {" "}
            · {data.source.standin ? "Alerts in the format of the " : "Alerts from the "}
            <a href={data.source.alerts.url}>{data.source.alerts.provider}</a>
          </>
        ) : null}{" "}
        {/* No clock time here: the one time on the page is "As of", on the place's own clock. */}·{" "}
        {data.cached ? "from this server's cache, fetched" : "fetched"}{" "}
        {formatRelative(new Date(data.fetchedAt), new Date())}
        {data.stale ? " (the weather service is failing; showing the last good answer)" : ""}
        {data.source.places ? (
          <>
            <br />
            {data.source.places}
          </>
        ) : null}
      </p>
    </div>
  );
}

function DailyList({ data }: { data: WeatherAnswer }) {
  const highs = data.daily.map((d) => d.high).filter((v): v is number => v !== null);
  const lows = data.daily.map((d) => d.low).filter((v): v is number => v !== null);
  const min = Math.min(...lows, ...highs);
  const max = Math.max(...lows, ...highs);
  const span = max - min || 1;
  return (
    <ol style={{ listStyle: "none", padding: 0, margin: 0 }}>
      {data.daily.map((day) => (
        <li key={day.date} className="day-row">
          <span>{dayLabel(day.date)}</span>
          <span className="hint" style={{ margin: 0 }}>
            {day.description ?? "—"}
            {day.precipitationProbability !== null ? ` · ${day.precipitationProbability}%` : ""}
          </span>
          <span style={{ textAlign: "right" }}>
            <span className="visually-hidden">Low </span>
            {withUnit(day.low, data.units.temperature)}
          </span>
          <span aria-hidden="true" className="day-range">
            {day.low !== null && day.high !== null ? (
              <span
                style={{
                  position: "absolute",
                  left: `${((day.low - min) / span) * 100}%`,
                  width: `${Math.max(2, ((day.high - day.low) / span) * 100)}%`,
                  top: 0,
                  bottom: 0,
                  borderRadius: 4,
                  background: "linear-gradient(90deg, #4dabf7, #ff922b)",
                }}
              />
            ) : null}
          </span>
          <span>
            <span className="visually-hidden">High </span>
            {withUnit(day.high, data.units.temperature)}
          </span>
        </li>
      ))}
    </ol>
  );
}
