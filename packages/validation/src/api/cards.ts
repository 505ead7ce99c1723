/** The card endpoints: the check (POST /api/validate/card) and the brands it knows. */
import { cardCheckRequestSchema } from "../card.ts";

export type { CardAnalysis as CardCheckAnswer } from "@repo/cards/analyze";

/** One brand's rules as people read them: IIN ranges as strings ("2221-2720"). */
export interface CardBrand {
  brand: string;
  name: string;
  lengths: number[];
  cvcLength: number;
  prefixes: string[];
}

/** GET /api/card-brands. */
export interface CardBrandsAnswer {
  brands: CardBrand[];
}

export const cardEndpoints = {
  /** `{"number": "4242 4242 4242 4242"}` → CardCheckAnswer. A POST: card numbers stay out of URLs. */
  check: { method: "POST", path: "/api/validate/card", body: cardCheckRequestSchema },
  /** Every brand the check knows → CardBrandsAnswer. */
  brands: { method: "GET", path: "/api/card-brands" },
  /** One brand, `/api/card-brands/visa` → CardBrand (404 `unknown_brand`). */
  brand: { method: "GET", path: "/api/card-brands/:brand" },
} as const;
