import { BRAND_RULES } from "@repo/cards/brands";
import type { CardBrandsAnswer } from "@repo/validation/api/cards";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";
import { describeBrand } from "./_describe.js";

/** GET /api/card-brands: every card brand the validator knows, with its lengths and IIN ranges. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: () =>
    json({ brands: BRAND_RULES.map(describeBrand) } satisfies CardBrandsAnswer, {
      headers: { "cache-control": "public, s-maxage=86400" },
    }),
});
