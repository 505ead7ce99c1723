import { type Account, PASSWORD, signUp } from "../support/accounts.js";
import { measureEndpoint, percentile, startServer, table } from "./measure.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;

/**
 * What a session check costs: GET /api/blobs/config answers the same JSON to anyone, and looks the
 * session up only when the request carries a cookie; the difference between the two is the check
 * (cookie signature, one round to the database for the session and its user). Sign-in latency too.
 */
export async function accountsSection(): Promise<void> {
  console.log(
    `\n▸ Sessions: GET /api/blobs/config without and with a session cookie (pnpm start, embedded PGlite), ` +
      `${CONNECTIONS} connections for ${SECONDS} s; sequential after warm-up\n`,
  );
  const server = await startServer("runtime-start");
  try {
    const account: Account = await signUp(server.url, "Bench");
    const cookie = account.client.cookieHeader();
    const config = `${server.url}/api/blobs/config`;
    const measure = (name: string, headers: Record<string, string>) =>
      measureEndpoint(
        name,
        config,
        { method: "GET", headers },
        { seconds: SECONDS, connections: CONNECTIONS, count: 2000, warmup: 200 },
      );
    const anonymous = await measure("public: no cookie, no check", {});
    const signedIn = await measure("signed in: the session checked", { cookie });
    const again = await measure("public again (drift check)", {});
    console.log(table([anonymous, signedIn, again]));
    // The public endpoint measured before and after, so drift over the run is seen (and averaged).
    const base = (anonymous.seqMedian + again.seqMedian) / 2;
    const added = signedIn.seqMedian - base;
    console.log(
      `\nTarget: a session check adds ≤ 1 ms at p50 → +${added.toFixed(2)} ms (sequential medians, ${
        added <= 1 ? "met" : "NOT met"
      })`,
    );

    const signIns: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
        method: "POST",
        // As a browser sends it: fetch names its mode, and a form on another site is refused.
        headers: { "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ email: account.email, password: PASSWORD }),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${text}`);
      signIns.push(performance.now() - t0);
    }
    signIns.sort((a, b) => a - b);
    console.log(
      `Sign-in with email and password (the password hash is scrypt, deliberately slow): median ${percentile(signIns, 50).toFixed(1)} ms, ` +
        `p90 ${percentile(signIns, 90).toFixed(1)} ms over ${signIns.length}`,
    );
  } finally {
    await server.stop();
  }
}
