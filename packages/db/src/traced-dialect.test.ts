import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "./database.ts";
import { openLocalDatabase } from "./local.ts";
import { targetTable } from "./traced-dialect.ts";

// Real queries on the embedded database, through the same wrapPool → tracedDialect path as a server.
describe("tracedDialect", () => {
  const exporter = new InMemorySpanExporter();
  let database: Database;
  beforeAll(async () => {
    database = await openLocalDatabase("memory://");
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
  });
  afterAll(async () => {
    trace.disable();
    context.disable();
    await database?.destroy();
  });
  beforeEach(() => exporter.reset());

  it("spans each query with its operation, table and parameterised text, never the values", async () => {
    const secret = "tok_do-not-record-me";
    await database.db.selectFrom("session").select("id").where("token", "=", secret).execute();
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe("SELECT session");
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toMatchObject({
      "db.system.name": "postgresql",
      "db.operation.name": "SELECT",
      "db.collection.name": "session",
      "db.response.returned_rows": 0,
    });
    expect(span?.attributes["db.query.text"]).toMatch(/where "token" = \$1/);
    expect(JSON.stringify([span?.name, span?.attributes, span?.events])).not.toContain(secret);
  });

  it("spans a transaction's statements and a failed query, which it marks by error type", async () => {
    await database.db.transaction().execute(async (tx) => {
      await sql`select 1`.execute(tx);
    });
    await expect(sql`select * from no_such_table`.execute(database.db)).rejects.toThrow();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(["BEGIN", "SELECT", "COMMIT", "SELECT no_such_table"]);
    const failed = spans[3];
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes["error.type"]).toBe("error");
  });

  it("still releases connections: many queries in a row on a one-connection pool", async () => {
    for (let i = 0; i < 20; i++) await sql`select ${i}::int as n`.execute(database.db);
    expect(exporter.getFinishedSpans()).toHaveLength(20);
  });
});

describe("targetTable", () => {
  it("names the first table of a statement", () => {
    expect(targetTable('select "id" from "session" where "token" = $1')).toBe("session");
    expect(targetTable('insert into "user" ("id") values ($1)')).toBe("user");
    expect(targetTable('update "public"."account" set "a" = $1')).toBe("account");
    expect(targetTable("select 1")).toBeUndefined();
  });
});
