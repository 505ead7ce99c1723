import type { Metadata } from "next";
import { CardBrands } from "@/components/card-brands";
import { CardForm } from "@/components/card-form";

export const metadata: Metadata = { title: "Card check" };

export default function CardPage() {
  return (
    <>
      <h1>Card number check</h1>
      <p className="lede">
        A short function run by an event: as you type, the page checks the format with the same schema as the
        API, then <code>POST /api/validate/card</code> answers with the brand, the Luhn check and the length
        rule. Nothing is stored or logged.
      </p>
      <CardForm />
      <CardBrands />
    </>
  );
}
