import { useId } from "react";
import { formatBytes } from "@/lib/bytes";
import { formatNumber } from "@/lib/format";
import { columnRange, delimiterLabel, distinctIsEstimate, malformedLabel } from "@/lib/result-format";
import type { CsvColumnSummary, CsvMalformedKind, CsvSummary } from "@/lib/result-types";
import { Histogram, TopValues } from "./csv-charts";

/** A CSV's dialect, rows and malformed rows, its columns' statistics, and a chart per column. */
export function CsvResult({ csv }: { csv: CsvSummary }) {
  const id = useId();
  const { dialect, malformed } = csv;
  const kinds = (Object.entries(malformed.byKind) as [CsvMalformedKind, number][]).filter(([, n]) => n > 0);
  return (
    <>
      <section aria-labelledby={`${id}-csv`}>
        <h3 id={`${id}-csv`}>CSV</h3>
        <dl className="facts">
          <dt>Rows</dt>
          <dd>
            {formatNumber(csv.rows)}
            {dialect.header ? <span className="hint"> plus a header row</span> : null}
          </dd>
          <dt>Columns</dt>
          <dd>{formatNumber(csv.columns.length)}</dd>
          <dt>Delimiter</dt>
          <dd>{delimiterLabel(dialect.delimiter)}</dd>
          <dt>Quote</dt>
          <dd>
            <code>{dialect.quote}</code>
          </dd>
          <dt>Header row</dt>
          <dd>{dialect.header ? "Yes" : "No: columns are numbered"}</dd>
          <dt>Bytes read</dt>
          <dd>{formatBytes(csv.bytes)}</dd>
          <dt>Malformed rows</dt>
          <dd>
            {formatNumber(malformed.rows)}
            {kinds.length > 0 ? (
              <span className="hint">
                {" "}
                ({kinds.map(([k, n]) => `${malformedLabel(k).toLowerCase()}: ${formatNumber(n)}`).join(", ")})
              </span>
            ) : null}
          </dd>
          {csv.invalidUtf8Fields > 0 ? (
            <>
              <dt>Invalid UTF-8</dt>
              <dd>{formatNumber(csv.invalidUtf8Fields)} fields</dd>
            </>
          ) : null}
        </dl>
        {malformed.examples.length > 0 ? (
          <details className="malformed" open={malformed.examples.length <= 5}>
            <summary>
              {malformed.examples.length === malformed.rows
                ? "The malformed rows"
                : `The first ${malformed.examples.length} malformed rows`}
            </summary>
            <div className="table-scroll">
              <table aria-label="Malformed rows">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      Line
                    </th>
                    <th scope="col">Problem</th>
                    <th scope="col">Start of the row</th>
                  </tr>
                </thead>
                <tbody>
                  {malformed.examples.map((e) => (
                    <tr key={`${e.line}-${e.kind}`}>
                      <td className="num">{formatNumber(e.line)}</td>
                      <td>{malformedLabel(e.kind)}</td>
                      <td>
                        <code className="excerpt">{e.text}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        ) : null}
      </section>

      <section aria-labelledby={`${id}-columns`}>
        <h3 id={`${id}-columns`}>Columns</h3>
        {csv.columns.length === 0 ? <p className="hint">No columns: the file has no rows.</p> : null}
        {csv.columns.length > 0 ? (
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
          <section className="table-scroll" tabIndex={0} aria-label="Column statistics, scrollable">
            <table aria-labelledby={`${id}-columns`} className="columns-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col" className="num">
                    Count
                  </th>
                  <th scope="col" className="num">
                    Nulls
                  </th>
                  <th scope="col" className="num">
                    Min
                  </th>
                  <th scope="col" className="num">
                    Max
                  </th>
                  <th scope="col" className="num">
                    Mean
                  </th>
                  <th scope="col" className="num">
                    Std dev
                  </th>
                  <th scope="col" className="num">
                    <abbr title="Counted exactly up to a few thousand distinct values; past that estimated (≈, about 0.8 % error)">
                      Distinct
                    </abbr>
                  </th>
                </tr>
              </thead>
              <tbody>
                {csv.columns.map((c, i) => (
                  // Names may repeat or be empty in a CSV header; the position is the identity.
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns never reorder
                  <tr key={i}>
                    <th scope="row" className="column-name">
                      {c.name || `(column ${i + 1})`}
                    </th>
                    {/* data-label: the column's header, shown beside the value when a phone stacks the row. */}
                    <td data-label="Type">{c.type}</td>
                    <td className="num" data-label="Count">
                      {formatNumber(c.count)}
                    </td>
                    <td className="num" data-label="Nulls">
                      {formatNumber(c.nulls)}
                    </td>
                    <td className="num" data-label="Min">
                      {columnRange(c).min}
                    </td>
                    <td className="num" data-label="Max">
                      {columnRange(c).max}
                    </td>
                    <td className="num" data-label="Mean">
                      {formatNumber(c.numeric?.mean)}
                    </td>
                    <td className="num" data-label="Std dev">
                      {formatNumber(c.numeric?.stddev)}
                    </td>
                    <td className="num" data-label="Distinct">
                      <DistinctCount values={c.values} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}
      </section>

      {csv.columns.some((c) => c.numeric || c.values) ? (
        <section aria-labelledby={`${id}-charts`}>
          <h3 id={`${id}-charts`}>Distributions</h3>
          <p className="hint" style={{ marginTop: 0 }}>
            A histogram per numeric column; the most frequent values of the others.
          </p>
          <div className="chart-grid">
            {csv.columns.map((c, i) => {
              const name = c.name || `(column ${i + 1})`;
              if (!c.numeric && !c.values) return null;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns never reorder
                <figure key={i} className="mini-chart">
                  <figcaption>
                    <strong className="column-name">{name}</strong> <span className="hint">{c.type}</span>
                  </figcaption>
                  {c.numeric ? <Histogram column={name} bins={c.numeric.histogram} /> : null}
                  {c.values ? <TopValues column={name} values={c.values} count={c.count} /> : null}
                </figure>
              );
            })}
          </div>
        </section>
      ) : null}
    </>
  );
}

/** A distinct count: as is when counted, marked ≈ (and read "about") when estimated. */
function DistinctCount({ values }: { values: CsvColumnSummary["values"] }) {
  if (!values) return <>{formatNumber(undefined)}</>;
  if (!distinctIsEstimate(values)) return <>{formatNumber(values.distinct)}</>;
  return (
    <>
      <span aria-hidden="true">≈ </span>
      <span className="visually-hidden">about </span>
      {formatNumber(values.distinct)}
    </>
  );
}
