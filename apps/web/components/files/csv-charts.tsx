import { formatNumber, formatPercent } from "@/lib/format";
import { binWidth, displayValue, formatBin, formatEdge, histogramSummary } from "@/lib/result-format";
import type { CsvColumnSummary, HistogramBin } from "@/lib/result-types";

const BAR = 10;
const HEIGHT = 60;

/**
 * A numeric column's distribution as inline SVG bars: the range on the axis below, a summary for
 * screen readers (range and peak), and every bin as a table behind a disclosure.
 */
export function Histogram({ column, bins }: { column: string; bins: HistogramBin[] }) {
  const summary = histogramSummary(column, bins);
  if (bins.length === 0) return <p className="hint">{summary}</p>;
  const peak = Math.max(...bins.map((b) => b.count));
  const width = binWidth(bins);
  const first = bins[0] as HistogramBin;
  const last = bins[bins.length - 1] as HistogramBin;
  return (
    <>
      <svg
        className="histogram"
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${bins.length * BAR} ${HEIGHT}`}
        preserveAspectRatio="none"
        width="100%"
        height="72"
      >
        {bins.map((b, i) => {
          // A bin with any value stays visible, however tall the peak.
          const h = peak > 0 ? Math.max(b.count > 0 ? 1.5 : 0, (b.count / peak) * HEIGHT) : 0;
          return (
            <rect key={`${b.from}-${b.to}`} x={i * BAR + 0.75} width={BAR - 1.5} y={HEIGHT - h} height={h}>
              <title>
                {formatBin(b, width)}: {formatNumber(b.count)}
              </title>
            </rect>
          );
        })}
      </svg>
      <div className="axis-labels" aria-hidden="true">
        <span>{formatEdge(first.from, width || 1)}</span>
        {first.from !== last.to ? <span>{formatEdge(last.to, width)}</span> : null}
      </div>
      <details className="chart-table">
        <summary>
          Bins <span className="visually-hidden">of {column}</span>
        </summary>
        <table aria-label={`Bins of ${column}`}>
          <thead>
            <tr>
              <th scope="col">Range</th>
              <th scope="col" className="num">
                Values
              </th>
            </tr>
          </thead>
          <tbody>
            {bins.map((b) => (
              <tr key={`${b.from}-${b.to}`}>
                <td>{formatBin(b, width)}</td>
                <td className="num">{formatNumber(b.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

/** A text column's most frequent values as horizontal bars with their counts. */
export function TopValues({
  column,
  values,
  count,
}: {
  column: string;
  values: NonNullable<CsvColumnSummary["values"]>;
  /** Non-null values of the column, for each value's share. */
  count: number;
}) {
  if (values.top.length === 0) return <p className="hint">No repeated values.</p>;
  const peak = Math.max(...values.top.map((v) => v.count), 1);
  return (
    <>
      <ul className="bar-list" aria-label={`Top values of ${column}`}>
        {values.top.map((v) => (
          <li key={v.value}>
            <span className="bar-label" title={v.value}>
              {displayValue(v.value)}
            </span>
            <span className="bar-track" aria-hidden="true">
              <span style={{ width: `${(v.count / peak) * 100}%` }} />
            </span>
            <span className="bar-count">
              <span className="visually-hidden">: </span>
              {formatNumber(v.count)}
              {count > 0 ? (
                <span className="visually-hidden"> ({formatPercent(v.count / count)})</span>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      {values.maxError > 0 ? (
        <p className="hint">
          Counts are lower bounds: each may be up to {formatNumber(values.maxError)} low.
        </p>
      ) : null}
    </>
  );
}
