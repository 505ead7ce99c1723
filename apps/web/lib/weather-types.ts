/** The answer of GET /api/weather, as the page reads it. */
export interface WeatherAnswer {
  zipcode: string;
  place: { city: string; state: string; latitude: number; longitude: number };
  units: { temperature: string; windSpeed: string; precipitation: string; [k: string]: string };
  timezone?: string;
  utcOffsetSeconds?: number;
  current: {
    time: string;
    temperature: number | null;
    feelsLike: number | null;
    humidity: number | null;
    windSpeed: number | null;
    windGust: number | null;
    windDirection: number | null;
    weatherCode: number | null;
    description: string | null;
    isDay: boolean | null;
  } | null;
  hourly: {
    time: string;
    temperature: number | null;
    precipitationProbability: number | null;
    weatherCode: number | null;
  }[];
  daily: {
    date: string;
    high: number | null;
    low: number | null;
    precipitationProbability: number | null;
    weatherCode: number | null;
    description: string | null;
    sunrise: string | null;
    sunset: string | null;
  }[];
  alerts: WeatherAlert[] | null;
  alertsUnavailableReason?: string | null;
  source: {
    provider: string;
    attribution: string;
    url: string;
    alerts?: { provider: string; url: string };
    /** Where ZIP codes come from, and the credit that data asks for. */
    places?: string;
    /** Set when the answer came from the local test stand-in, not the live service. */
    standin?: true;
  };
  fetchedAt: string;
  cached: boolean;
  stale?: boolean;
}

export interface WeatherAlert {
  id: string;
  event: string;
  headline: string | null;
  severity: string | null;
  areaDesc: string | null;
  ends: string | null;
  expires: string | null;
  description: string | null;
  instruction: string | null;
}
