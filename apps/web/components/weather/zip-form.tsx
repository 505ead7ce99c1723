"use client";

import { ZIPCODE_HINT, zipcodeSchema } from "@repo/validation/weather";
import { useEffect, useId, useState } from "react";

/**
 * What is wrong with a ZIP code from the URL, in the page's words (the schema's messages name the
 * query parameter, `zipcode`, for API callers); null when it is fine or when none was given.
 *
 * @example zipProblem("abc") // "A ZIP code is 5 digits like 48824, or ZIP+4 like 48824-1234."
 */
export function zipProblem(raw: string | null): string | null {
  if (raw === null) return null;
  if (raw.trim() === "") return `Type a ZIP code: ${ZIPCODE_HINT}.`;
  return zipcodeSchema.safeParse(raw).success ? null : `A ZIP code is ${ZIPCODE_HINT}.`;
}

/**
 * The ZIP input. Submitting puts what was typed in the URL, valid or not: the page checks it with the
 * same schema as the API before anything is sent, and `problem` (from the URL) says what is wrong. An
 * edit hides the problem until the next submit.
 */
export function ZipForm({
  initial,
  problem,
  onSubmit,
}: {
  initial: string;
  problem: string | null;
  onSubmit: (zip: string) => void;
}) {
  const id = useId();
  const [value, setValue] = useState(initial);
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    setValue(initial);
    setEdited(false);
  }, [initial]);
  const error = edited ? null : problem;
  return (
    <search>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          setEdited(false);
          onSubmit(value.trim());
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
              setEdited(true);
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
