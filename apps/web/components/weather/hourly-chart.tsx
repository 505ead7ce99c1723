"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface HourlyPoint {
  time: string;
  temperature: number | null;
  precipitationProbability: number | null;
}

/** Seconds since the epoch, shifted so that uPlot's UTC axis shows the place's own wall clock. */
function wallClockSeconds(iso: string, offsetSeconds: number): number {
  return Date.parse(iso) / 1000 + offsetSeconds;
}

/**
 * Temperature (line, left axis) and chance of precipitation (bars, right axis) by hour, drawn with
 * uPlot: small (~50 kB), canvas-based and fast. Missing values stay gaps, never zeros.
 */
export function HourlyChart({
  points,
  temperatureUnit,
  utcOffsetSeconds,
}: {
  points: HourlyPoint[];
  temperatureUnit: string;
  utcOffsetSeconds: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || points.length === 0) return;
    const styles = getComputedStyle(document.documentElement);
    const accent = styles.getPropertyValue("--accent").trim() || "#0b63ce";
    const muted = styles.getPropertyValue("--muted").trim() || "#666";
    const grid = styles.getPropertyValue("--border").trim() || "#ddd";
    const data: uPlot.AlignedData = [
      points.map((p) => wallClockSeconds(p.time, utcOffsetSeconds)),
      points.map((p) => p.temperature),
      points.map((p) => p.precipitationProbability),
    ];
    // Each bar is centred on its hour: without half a step of room at both ends the first and last
    // bars would be cut in half by the plot's edges.
    const xs = data[0];
    const step = xs.length > 1 ? (xs[1] ?? 0) - (xs[0] ?? 0) : 3600;
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const plot = new uPlot(
      {
        width: el.clientWidth,
        height: 240,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
        scales: {
          x: { time: true, range: (_u, min, max) => [min - step / 2, max + step / 2] },
          pct: { range: [0, 100] },
        },
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
        series: [
          {},
          {
            label: `Temperature (${temperatureUnit})`,
            stroke: "#e8590c",
            width: 2,
            value: (_u, v) => (v == null ? "—" : `${v.toFixed(1)} ${temperatureUnit}`),
          },
          {
            label: "Chance of precipitation",
            scale: "pct",
            stroke: accent,
            fill: `${accent}33`,
            paths: uPlot.paths.bars?.({ size: [0.7, 12] }),
            points: { show: false },
            value: (_u, v) => (v == null ? "—" : `${v}%`),
          },
        ],
        axes: [
          { ...axis },
          { ...axis, label: temperatureUnit, size: 50 },
          { ...axis, scale: "pct", side: 1, label: "%", grid: { show: false }, size: 45 },
        ],
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points, temperatureUnit, utcOffsetSeconds]);

  const temps = points.map((p) => p.temperature).filter((t): t is number => t !== null);
  const summary =
    temps.length > 0
      ? `Hourly forecast for ${points.length} hours: temperature from ${Math.min(...temps)} to ${Math.max(...temps)} ${temperatureUnit}.`
      : "No hourly temperatures in this forecast.";
  return (
    <figure style={{ margin: 0 }}>
      <div ref={box} role="img" aria-label={summary} data-testid="hourly-chart" />
      <figcaption className="hint">{summary}</figcaption>
    </figure>
  );
}
