import { analyzeCard } from "@repo/cards/analyze";
import { cardCheckRequestSchema } from "@repo/validation/card";
import { readJson } from "../_lib/body.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

const NO_STORE = { headers: { "cache-control": "no-store" } };

/**
 * POST /api/validate/card {"number": "4242 4242 4242 4242"} → brand, Luhn, length and a masked
 * number. A short function run by an external event (a form submit); it keeps nothing and logs
 * nothing of the number.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route(
  {
    POST: (request) =>
      readJson(request, cardCheckRequestSchema, { maxBytes: 4096 }).then(({ number }) =>
        json(analyzeCard(number), NO_STORE),
      ),
  },
  {
    methodNotAllowed: (method) =>
      method === "GET" || method === "HEAD"
        ? 'Card numbers do not belong in URLs: URLs end up in server, proxy and browser logs. POST the number as JSON instead: {"number": "4242 4242 4242 4242"}.'
        : undefined,
  },
);
