import { inSpan, packageTracer, SpanKind } from "@repo/telemetry/span";
import type { CompiledQuery, DatabaseConnection, Dialect, Driver } from "kysely";

const tracer = packageTracer("@repo/db");

/** Longest query text a span keeps; a migration's DDL is long and says nothing more at the end. */
const MAX_QUERY_TEXT = 2000;

const OPERATIONS: Record<string, string> = {
  SelectQueryNode: "SELECT",
  InsertQueryNode: "INSERT",
  UpdateQueryNode: "UPDATE",
  DeleteQueryNode: "DELETE",
  MergeQueryNode: "MERGE",
};

/** "SELECT", "INSERT", …; for raw SQL its first keyword ("BEGIN", "CREATE"). */
export function operationName(query: CompiledQuery): string {
  const known = OPERATIONS[query.query.kind];
  if (known) return known;
  return /^\s*([a-z]+)/i.exec(query.sql)?.[1]?.toUpperCase() ?? "QUERY";
}

/** The first table the statement names, for a span name such as `SELECT session`. */
export function targetTable(sql: string): string | undefined {
  return /\b(?:from|into|update|join)\s+"?([\w]+)"?(?:\."?([\w]+)"?)?/i
    .exec(sql)
    ?.slice(1)
    .filter(Boolean)
    .pop();
}

/**
 * Every query as a CLIENT span, named the way OpenTelemetry's database conventions ask
 * (`SELECT session`), with the statement's text: Kysely sends values as parameters ($1, $2), and
 * parameters are never recorded, so a password hash, a session token or an email stays out of the
 * span. A no-op until an SDK is registered. It wraps the driver's connections rather than being a
 * Kysely plugin because a plugin sees no failed query, and a failed query is the one worth seeing.
 *
 * @example new Kysely({ dialect: tracedDialect(new PostgresDialect({ pool })) })
 */
export function tracedDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => tracedDriver(dialect.createDriver()),
  };
}

function tracedDriver(driver: Driver): Driver {
  // The driver may hand its own connection objects back to itself (node-postgres's release goes
  // through a private symbol), so the wrapper forwards everything to the real object.
  return new Proxy(driver, {
    get(target, key) {
      if (key === "acquireConnection") {
        return async () => tracedConnection(await target.acquireConnection());
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function tracedConnection(connection: DatabaseConnection): DatabaseConnection {
  const executeQuery: DatabaseConnection["executeQuery"] = (query) => {
    const operation = operationName(query);
    const table = targetTable(query.sql);
    return inSpan(
      tracer,
      table ? `${operation} ${table}` : operation,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "db.system.name": "postgresql",
          "db.operation.name": operation,
          ...(table ? { "db.collection.name": table } : {}),
          "db.query.text": query.sql.slice(0, MAX_QUERY_TEXT),
        },
      },
      async (span) => {
        const result = await connection.executeQuery(query);
        span.setAttribute("db.response.returned_rows", result.rows.length);
        return result as never;
      },
    );
  };
  return new Proxy(connection, {
    get(target, key) {
      if (key === "executeQuery") return executeQuery;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
