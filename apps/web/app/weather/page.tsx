import type { Metadata } from "next";
import { Suspense } from "react";
import { WeatherView } from "@/components/weather/weather-view";

export const metadata: Metadata = { title: "Weather by ZIP code" };

export default function WeatherPage() {
  return (
    <>
      <h1>Weather by ZIP code</h1>
      <p className="lede">
        The seed's headline example, <code>getweather?zipcode=48824</code>: one short function triggered by
        HTTP, with the data in the query string. <code>GET /api/weather?zipcode=48824</code>
      </p>
      <Suspense fallback={<div className="skeleton" style={{ height: "6rem" }} />}>
        <WeatherView />
      </Suspense>
    </>
  );
}
