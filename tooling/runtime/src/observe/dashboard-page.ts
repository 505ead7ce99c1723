/**
 * The dashboard at /__runtime: one HTML page with headings and captioned tables, and one small
 * script that reads the JSON beside it (/__runtime/functions, invocations, cost, crons, workflows)
 * every two seconds and redraws the tables. Everything shown is set as text (never as HTML): the
 * functions' logs are whatever they printed.
 */
export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Runtime · functions, invocations, cost</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.4; }
  body { margin: 0 auto; padding: 1rem; max-width: 72rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
  /* Focusable so that a keyboard can scroll a table wider than a phone (WCAG: scrollable regions). */
  .scroll { overflow-x: auto; max-width: 100%; }
  .scroll:focus-visible { outline: 2px solid #0b57d0; outline-offset: 2px; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  caption { text-align: left; font-weight: 600; padding: .25rem 0; }
  /* On a narrow screen the table scrolls sideways inside its box; its caption stays in view. */
  @media (max-width: 40rem) { caption { max-width: calc(100vw - 2rem); position: sticky; left: 0; } th, td { padding: .25rem .35rem; } }
  th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #8884; vertical-align: top; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  /* A table scrolled sideways on a phone keeps its rows' names in view (whose p99 is this?). */
  table.named tbody th:first-child, table.named thead th:first-child { position: sticky; left: 0; background: Canvas; box-shadow: 1px 0 0 #8884; }
  .bad { color: #b00020; font-weight: 600; }
  @media (prefers-color-scheme: dark) { .bad { color: #ff6b6b; } }
  pre { margin: .25rem 0 0; white-space: pre-wrap; word-break: break-word; font-size: .8rem; }
  code, .id { font-family: ui-monospace, monospace; font-size: .8rem; word-break: break-all; }
  .note { font-size: .9rem; max-width: 50rem; }
  .status { font-size: .85rem; }
</style>
</head>
<body>
<header>
  <h1>Local runtime</h1>
  <p class="status" id="status" aria-live="polite">Loading…</p>
  <label><input type="checkbox" id="live" checked> Live (every 2 s)</label>
</header>
<main>
  <section aria-labelledby="h-functions">
    <h2 id="h-functions">Functions</h2>
    <div class="scroll" tabindex="0" role="region" aria-label="Functions table"><table id="functions" class="named">
      <caption>Per function, since the runtime started (percentiles over its latest 1,024 invocations)</caption>
      <thead><tr><th scope="col">Function</th><th scope="col" class="num">Invocations</th><th scope="col" class="num">Errors</th><th scope="col" class="num">Error rate</th><th scope="col" class="num">p50 ms</th><th scope="col" class="num">p95 ms</th><th scope="col" class="num">p99 ms</th><th scope="col" class="num">Cold starts</th><th scope="col" class="num">Peak RSS MB</th></tr></thead>
      <tbody></tbody>
    </table></div>
    <p class="note">Peak RSS is the whole runtime process's resident memory, read when each invocation ended: all functions share one process here, unlike on Vercel.</p>
  </section>
  <section aria-labelledby="h-invocations">
    <h2 id="h-invocations">Latest invocations</h2>
    <div class="scroll" tabindex="0" role="region" aria-label="Latest invocations table"><table id="invocations">
      <caption>Newest first, with what each function printed</caption>
      <thead><tr><th scope="col">At</th><th scope="col">Function</th><th scope="col">Request</th><th scope="col" class="num">Status</th><th scope="col" class="num">ms</th><th scope="col">Start</th><th scope="col">Request id and logs</th></tr></thead>
      <tbody></tbody>
    </table></div>
  </section>
  <section aria-labelledby="h-cost">
    <h2 id="h-cost">Cost estimate</h2>
    <p class="note" id="cost-note"></p>
    <div class="scroll" tabindex="0" role="region" aria-label="Cost table"><table id="cost" class="named">
      <caption>Estimated USD on Vercel fluid compute, per function</caption>
      <thead><tr><th scope="col">Function</th><th scope="col" class="num">Memory MB</th><th scope="col" class="num">Mean CPU ms</th><th scope="col" class="num">Mean wall ms</th><th scope="col" class="num">Per million</th><th scope="col" class="num">Per month at observed rate</th></tr></thead>
      <tbody></tbody>
    </table></div>
    <p class="note" id="cost-total"></p>
    <details><summary>How this is estimated</summary><ul id="cost-method"></ul><p class="note" id="cost-prices"></p></details>
  </section>
  <section aria-labelledby="h-crons">
    <h2 id="h-crons">Cron jobs</h2>
    <div class="scroll" tabindex="0" role="region" aria-label="Cron jobs table"><table id="crons" class="named">
      <caption>vercel.json's crons (UTC)</caption>
      <thead><tr><th scope="col">Path</th><th scope="col">Schedule</th><th scope="col">Last run</th><th scope="col">Outcome</th><th scope="col">Next run</th></tr></thead>
      <tbody></tbody>
    </table></div>
  </section>
  <section aria-labelledby="h-workflows">
    <h2 id="h-workflows">Workflow runs</h2>
    <div class="scroll" tabindex="0" role="region" aria-label="Workflow runs table"><table id="workflows">
      <caption>Latest runs from the Workflow SDK's world, with their steps</caption>
      <thead><tr><th scope="col">Run</th><th scope="col">Workflow</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col" class="num">ms</th><th scope="col">Steps</th></tr></thead>
      <tbody></tbody>
    </table></div>
  </section>
</main>
<script>
(() => {
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; };
  const row = (cells) => { const tr = document.createElement("tr"); for (const c of cells) tr.append(c instanceof Node ? c : el("td", c)); return tr; };
  const num = (v, digits) => el("td", v == null ? "–" : (digits == null ? v : Number(v).toFixed(digits)), "num");
  const fill = (id, rows, empty, span) => {
    const body = document.querySelector("#" + id + " tbody");
    body.replaceChildren(...(rows.length ? rows : [row([Object.assign(el("td", empty), { colSpan: span })])]));
  };
  // Today's times without the date, which took a phone's first column.
  const time = (iso) => { if (!iso) return "–"; const d = new Date(iso); return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString(); };
  const ms = (a, b) => a && b ? Math.round(new Date(b) - new Date(a)) : null;
  const usd = (v) => v == null ? "–" : "$" + (v < 0.01 && v > 0 ? v.toPrecision(2) : v.toFixed(2));
  const get = async (path) => { const r = await fetch("/__runtime/" + path, { cache: "no-store" }); if (!r.ok) throw new Error(path + ": " + r.status); return r.json(); };

  const drawFunctions = (fns) => fill("functions", fns.map((f) => row([
    el("th", f.name), num(f.invocations), Object.assign(num(f.errors), { className: f.errors ? "num bad" : "num" }),
    num(f.invocations ? (100 * f.errors / f.invocations).toFixed(1) + "%" : null), num(f.p50Ms), num(f.p95Ms), num(f.p99Ms), num(f.coldStarts), num(f.peakRssMb)])), "No function has run yet.", 9);

  const drawInvocations = (items) => fill("invocations", items.map((i) => {
    const logs = el("td");
    logs.append(el("span", i.id, "id"));
    if (i.logs.length) {
      const d = el("details"); d.append(el("summary", i.logs.length + " log line" + (i.logs.length > 1 ? "s" : "")), el("pre", i.logs.join("\\n"))); logs.append(d);
    }
    const status = num(i.status); if (i.status >= 500) status.className = "num bad";
    return row([time(i.at), i.function, i.method + " " + i.path, status, num(i.durationMs, 1), i.cold ? "cold" : "warm", logs]);
  }), "No invocations yet.", 7);

  const drawCost = (c) => {
    document.getElementById("cost-note").textContent = "Estimate, not a bill. " + c.note;
    fill("cost", c.functions.map((f) => row([el("th", f.name), num(f.memoryMb + (f.memoryConfigured ? "" : " (default)")), num(f.meanCpuMs == null ? null : f.meanCpuMs.toFixed(2) + (f.cpuFrom === "measured" ? "" : " (wall)")), num(f.meanDurationMs, 1),
      num(usd(f.perMillion && f.perMillion.total)), num(f.perMonth ? usd(f.perMonth.total) + " (" + f.perMonth.invocations.toLocaleString() + " inv.)" : null)])), "Nothing to estimate yet.", 6);
    document.getElementById("cost-total").textContent = c.vercel && c.alwaysOn
      ? "At the observed rates: Vercel about " + usd(c.vercel.perMonth) + " a month for " + c.vercel.invocationsPerMonth.toLocaleString() + " invocations; the same work on " + c.alwaysOn.instances + " always-on instance" + (c.alwaysOn.instances > 1 ? "s" : "") + " (" + c.prices.alwaysOn.name + ") " + usd(c.alwaysOn.perMonth) + " a month, " + (100 * c.alwaysOn.cpuUtilisation).toFixed(2) + "% of its CPU busy."
      : "A monthly figure needs at least two invocations of a function.";
    document.getElementById("cost-method").replaceChildren(...c.method.map((m) => el("li", m)));
    const p = c.prices;
    document.getElementById("cost-prices").textContent = "Prices: Vercel " + p.vercel.region + " $" + p.vercel.activeCpuPerHour + "/CPU-hour, $" + p.vercel.provisionedMemoryPerGbHour + "/GB-hour, $" + p.vercel.invocationsPerMillion + "/million invocations (" + p.vercel.source + ", " + p.vercel.takenOn + "); always-on $" + p.alwaysOn.perHour + "/hour (" + p.alwaysOn.source + ", " + p.alwaysOn.takenOn + ").";
  };

  const drawCrons = (jobs) => fill("crons", jobs.map((j) => {
    const last = j.last;
    const outcome = j.running ? "running" : !last ? "–" : last.ok ? last.status + " in " + Math.round(last.durationMs) + " ms" : (last.status ? last.status + " " : "") + (last.error || "failed");
    return row([el("th", j.path), el("td", j.schedule), time(last && last.at), Object.assign(el("td", outcome), { className: last && !last.ok ? "bad" : "" }), time(j.next)]);
  }), "vercel.json names no crons.", 5);

  const drawWorkflows = (w) => fill("workflows", w.runs.map((r) => {
    const steps = el("td");
    if (r.steps.length) {
      const list = el("ol");
      for (const s of r.steps) list.append(el("li", s.stepName.split("//").pop() + " · " + s.status + (s.attempt > 1 ? " · attempt " + s.attempt : "") + (ms(s.startedAt, s.completedAt) != null ? " · " + ms(s.startedAt, s.completedAt) + " ms" : "")));
      steps.append(list);
    } else steps.textContent = "–";
    return row([el("td", r.runId, "id"), r.workflowName.split("//").pop(), r.status, time(r.startedAt || r.createdAt), num(ms(r.startedAt, r.completedAt)), steps]);
  }), w.available ? "No workflow runs yet." : "This project's local config gives no workflow world.", 6);

  const status = document.getElementById("status");
  const refresh = async () => {
    try {
      const [fns, items, cost, crons, workflows] = await Promise.all([get("functions"), get("invocations?limit=50"), get("cost"), get("crons"), get("workflows").catch((e) => ({ available: true, runs: [], error: e }))]);
      drawFunctions(fns); drawInvocations(items); drawCost(cost); drawCrons(crons); drawWorkflows(workflows);
      status.textContent = "Updated " + new Date().toLocaleTimeString() + (workflows.error ? " (workflow runs could not be read)" : "");
    } catch (error) {
      status.textContent = "Could not update: " + error.message;
    }
  };
  let timer;
  const live = document.getElementById("live");
  const schedule = () => { clearInterval(timer); if (live.checked) timer = setInterval(refresh, 2000); };
  live.addEventListener("change", schedule);
  refresh(); schedule();
})();
</script>
</body>
</html>
`;
}
