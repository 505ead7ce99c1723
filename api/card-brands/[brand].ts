import { BRAND_RULES } from "@repo/cards/brands";
import { HttpError } from "../_lib/http-error.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";
import { describeBrand } from "./_describe.js";

/** GET /api/card-brands/visa: one brand's rules; the segment arrives as the `brand` query parameter. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: (request) => {
    const brand = new URL(request.url).searchParams.get("brand")?.toLowerCase() ?? "";
    const rule = BRAND_RULES.find((r) => r.brand === brand);
    if (!rule) {
      throw new HttpError(404, "unknown_brand", `No card brand is called "${brand.slice(0, 40)}".`, {
        known: BRAND_RULES.map((r) => r.brand),
      });
    }
    return json(describeBrand(rule), { headers: { "cache-control": "public, s-maxage=86400" } });
  },
});
