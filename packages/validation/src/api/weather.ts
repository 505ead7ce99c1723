/** GET /api/weather: its path, query schema and answer. */
import type { WeatherAnswer as ForecastAnswer } from "@repo/weather/get-weather";
import { weatherQuerySchema } from "../weather.ts";

export type { Alert as WeatherAlert } from "@repo/weather/nws-alerts";

/** The weather package's answer plus the credit of the ZIP code data. */
export type WeatherAnswer = ForecastAnswer & { source: ForecastAnswer["source"] & { places?: string } };

/** `?zipcode=48824&units=imperial&days=7&hours=24` → WeatherAnswer. */
export const weatherEndpoint = { method: "GET", path: "/api/weather", query: weatherQuerySchema } as const;
