"use client";

import { detectBrand } from "@repo/cards/brands";
import type { CardCheckAnswer } from "@repo/validation/api/cards";
import { cardNumberSchema } from "@repo/validation/card";
import { useId, useState } from "react";
import useSWR from "swr";
import { type ApiError, api, apiUrl } from "@/lib/api";
import { formatCardInput } from "@/lib/card-format";
import { useDebounced } from "@/lib/use-debounced";

const EXAMPLES = [
  { label: "Visa", number: "4242 4242 4242 4242" },
  { label: "Amex", number: "3782 822463 10005" },
  { label: "Mastercard 2-series", number: "2223 0031 2200 3222" },
  { label: "Mistyped digit", number: "4242 4242 4242 4241" },
  { label: "Amex, 16 digits", number: "3700 0000 0000 0007" },
] as const;

const checkCard = ([, number]: readonly [string, string]) => api.card.check(number);

/** The card form: validates as you type with the shared schema, then shows the API's answer. */
export function CardForm() {
  const id = useId();
  const [value, setValue] = useState("");
  const [touched, setTouched] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const digits = value.replace(/\D/g, "");
  const localBrand = detectBrand(digits);
  const parsed = cardNumberSchema.safeParse(value);
  const settled = useDebounced(parsed.success ? parsed.data : null, 250);
  const { data, error, isLoading, isValidating } = useSWR<CardCheckAnswer, ApiError>(
    settled ? ([apiUrl.card.check, settled] as const) : null,
    checkCard,
    { revalidateOnFocus: false, shouldRetryOnError: false },
  );
  // Enter asks for a verdict: a number too short to check gets its reason then, even an empty one.
  const showFormatError =
    !parsed.success && (submitted || ((touched || digits.length >= 12) && value.trim() !== ""));
  const formatError = parsed.success ? null : (parsed.error.issues[0]?.message ?? null);
  const current = data && settled && parsed.success && parsed.data === settled ? data : null;

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="visually-hidden">
        Check a card number
      </h2>
      <form
        onSubmit={(event) => {
          // The check runs as the digits are typed; Enter only brings out what is wrong, and focus
          // stays in the field so the number can be fixed at once.
          event.preventDefault();
          setSubmitted(true);
        }}
        noValidate
      >
        {/* The brand sits beside the label, not the field, so the field keeps its whole width. */}
        <div className="label-row">
          <label htmlFor={`${id}-number`}>Card number</label>
          <span className={`badge ${localBrand ? "ok" : "muted"}`} data-testid="card-brand">
            <span className="visually-hidden">Brand: </span>
            {localBrand?.name ?? "Brand?"}
          </span>
        </div>
        <input
          id={`${id}-number`}
          name="number"
          inputMode="numeric"
          autoComplete="cc-number"
          placeholder="4242 4242 4242 4242"
          value={value}
          aria-invalid={showFormatError}
          aria-describedby={`${id}-hint ${id}-error`}
          onChange={(event) =>
            setValue(
              formatCardInput(
                event.target.value,
                detectBrand(event.target.value.replace(/\D/g, ""))?.brand ?? null,
              ),
            )
          }
          onBlur={() => setTouched(true)}
        />
        <p id={`${id}-hint`} className="hint">
          Digits only; spaces and dashes are fine. Try a test number:{" "}
          {EXAMPLES.map((example) => (
            <button
              key={example.label}
              type="button"
              onClick={() => {
                setValue(example.number);
                setTouched(true);
              }}
              style={{ margin: "0.15rem" }}
            >
              {example.label}
            </button>
          ))}
        </p>
        <p id={`${id}-error`} className="error-text" role="alert">
          {showFormatError ? formatError : ""}
        </p>
      </form>

      <div aria-live="polite" aria-busy={isLoading || isValidating} data-testid="card-result">
        {settled && isLoading && !current ? (
          <div role="status" aria-label="Checking">
            <div className="skeleton" style={{ width: "40%", height: "1.5rem" }} />
            <div className="skeleton" style={{ width: "70%", marginTop: "0.75rem" }} />
          </div>
        ) : null}
        {error && settled ? <p className="error-text">The check failed: {error.message}</p> : null}
        {current ? <CardResult result={current} /> : null}
      </div>
    </section>
  );
}

function CardResult({ result }: { result: CardCheckAnswer }) {
  return (
    <div>
      <p style={{ fontSize: "1.2rem", margin: "0.5rem 0 0" }}>
        <span className={`badge ${result.valid ? "ok" : "bad"}`}>{result.valid ? "Valid" : "Not valid"}</span>{" "}
        {result.brandName ?? "Unknown brand"} · {result.masked}
      </p>
      {result.reasons.length > 0 ? (
        <ul className="error-text">
          {result.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}
      <dl className="facts">
        <dt>Luhn check</dt>
        <dd>{result.luhn ? "passes" : "fails"}</dd>
        <dt>Length</dt>
        <dd>
          {result.length} digits
          {result.expectedLengths.length > 0
            ? ` (${result.brandName} allows ${result.expectedLengths.join(", ")})`
            : ""}
        </dd>
        <dt>Security code</dt>
        <dd>{result.cvcLength ? `${result.cvcLength} digits` : "—"}</dd>
      </dl>
      <p className="hint">Answered by the API; the number never left this page in a URL.</p>
    </div>
  );
}
