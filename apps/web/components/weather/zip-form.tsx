"use client";

import { ZIPCODE_HINT, zipcodeSchema } from "@repo/validation/weather";
import { useEffect, useId, useState } from "react";

/** The ZIP input, checked with the same schema as the API before anything is sent. */
export function ZipForm({ initial, onSubmit }: { initial: string; onSubmit: (zip: string) => void }) {
  const id = useId();
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setValue(initial), [initial]);
  return (
    <search>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          const parsed = zipcodeSchema.safeParse(value);
          if (!parsed.success) {
            setError(parsed.error.issues[0]?.message ?? `Give ${ZIPCODE_HINT}`);
            return;
          }
          setError(null);
          onSubmit(parsed.data);
        }}
        noValidate
        style={{ alignItems: "flex-end" }}
      >
        <div style={{ flex: "1 1 12rem" }}>
          <label htmlFor={`${id}-zip`}>ZIP code</label>
          <input
            id={`${id}-zip`}
            name="zipcode"
            inputMode="numeric"
            autoComplete="postal-code"
            placeholder="48824"
            maxLength={10}
            value={value}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-error`}
            onChange={(event) => {
              setValue(event.target.value);
              if (error) setError(null);
            }}
          />
        </div>
        <button type="submit" style={{ padding: "0.6rem 1.1rem", fontSize: "1.05rem" }}>
          Show weather
        </button>
        <p id={`${id}-error`} className="error-text" role="alert" style={{ flexBasis: "100%" }}>
          {error ?? ""}
        </p>
      </form>
    </search>
  );
}
