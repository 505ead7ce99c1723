import type { WeatherAnswer as DomainAnswer } from "@repo/weather/get-weather";

/** The answer of GET /api/weather: the weather package's answer plus the ZIP data's credit. */
export type WeatherAnswer = DomainAnswer & { source: DomainAnswer["source"] & { places?: string } };

export type { Alert as WeatherAlert } from "@repo/weather/nws-alerts";
