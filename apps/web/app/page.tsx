import Link from "next/link";

const IDEAS = [
  {
    title: "A function triggered by HTTP, data in the query string",
    text: "Weather by ZIP code: the ZIP is looked up in an index shipped with the function, the forecast comes live from Open-Meteo, alerts from the National Weather Service.",
    href: "/weather?zipcode=48824",
    cta: "Weather for 48824",
    endpoint: "GET /api/weather?zipcode=48824",
  },
  {
    title: "Files into a blob container, with scoped, expiring tokens",
    text: "Large files go from the browser straight to storage with an upload token limited to one path, a few types, a size and ten minutes; storage calls the app back, signed, when each one lands.",
    href: "/files",
    cta: "Upload files",
    endpoint: "POST /api/blobs/client-upload",
  },
  {
    title: "Short functions, triggered by HTTP",
    text: "Each file under api/ is its own function. The card check validates a number the moment a form asks.",
    href: "/card",
    cta: "Check a card number",
    endpoint: "POST /api/validate/card",
  },
] as const;

export default function Home() {
  return (
    <>
      <h1>Serverless on Vercel</h1>
      <p className="lede">
        Small functions that run when something happens: a request, a file landing in storage, a clock
        ticking.
      </p>
      <div className="grid">
        {IDEAS.map((idea, i) => (
          <section key={idea.title} className="card" aria-labelledby={`idea-${i}`}>
            <h2 id={`idea-${i}`} style={{ fontSize: "1.15rem", marginTop: 0 }}>
              {idea.title}
            </h2>
            <p>{idea.text}</p>
            <p className="hint">
              <code>{idea.endpoint}</code>
            </p>
            <Link href={idea.href}>{idea.cta} →</Link>
          </section>
        ))}
      </div>
    </>
  );
}
