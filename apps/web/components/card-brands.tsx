"use client";

import type { CardBrandsAnswer } from "@repo/validation/api/cards";
import useSWR from "swr";
import { type ApiError, api, apiUrl } from "@/lib/api";

/** "16", "13, 16 or 19", or "16–19" when the lengths run without a gap. */
export function formatLengths(lengths: number[]): string {
  const first = lengths[0];
  const last = lengths.at(-1);
  if (first === undefined || last === undefined) return "";
  if (lengths.length > 2 && last - first === lengths.length - 1) return `${first}–${last}`;
  return lengths.length === 1 ? String(first) : `${lengths.slice(0, -1).join(", ")} or ${last}`;
}

/** The brands the validator knows, from GET /api/card-brands. */
export function CardBrands() {
  const { data, error, isLoading } = useSWR<CardBrandsAnswer, ApiError>(
    apiUrl.card.brands,
    () => api.card.brands(),
    {
      revalidateOnFocus: false,
    },
  );
  return (
    <section className="card" style={{ marginTop: "1rem" }} aria-labelledby="brands-title">
      <h2 id="brands-title" style={{ fontSize: "1.1rem", marginTop: 0 }}>
        Brands the check knows
      </h2>
      {isLoading ? (
        <div className="skeleton" style={{ height: "6rem" }} role="status" aria-label="Loading brands" />
      ) : null}
      {error ? <p className="error-text">Could not load the brands: {error.message}</p> : null}
      {data ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Brand</th>
              <th scope="col">Starts with</th>
              <th scope="col">Digits</th>
            </tr>
          </thead>
          <tbody>
            {data.brands.map((b) => (
              <tr key={b.brand}>
                <td>{b.name}</td>
                <td>{b.prefixes.join(", ")}</td>
                <td>{formatLengths(b.lengths)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
