import type { BrandRule } from "@repo/cards/brands";
import type { CardBrand } from "@repo/validation/api/cards";

/** The public description of a brand rule: ranges as strings ("2221-2720"), as people read them. */
export function describeBrand(rule: BrandRule): CardBrand {
  return {
    brand: rule.brand,
    name: rule.name,
    lengths: [...rule.lengths],
    cvcLength: rule.cvcLength,
    prefixes: rule.ranges.map(([from, to]) => (from === to ? String(from) : `${from}-${to}`)),
  };
}
