#!/usr/bin/env node
// pnpm db:migrate: applies the versioned migrations (packages/db/src/migrations) to DATABASE_URL,
// or, without one, to the embedded PGlite database the local runtime uses (PGLITE_DIR, default
// .data/pglite under the current directory). pnpm dev and pnpm start apply them at start too.
import { connectPostgres } from "../dist/database.js";
import { openLocalDatabase } from "../dist/local.js";
import { migrateToLatest } from "../dist/migrate.js";

const url = process.env.DATABASE_URL;
let database;
let applied;
try {
  if (url) {
    database = connectPostgres(url, { max: 1 });
    applied = await migrateToLatest(database.db);
  } else {
    database = await openLocalDatabase(process.env.PGLITE_DIR ?? ".data/pglite");
    applied = database.applied;
  }
  const where = url ? new URL(url).host + new URL(url).pathname : `PGlite at ${database.dir}`;
  console.log(
    applied.length === 0 ? `✓ ${where}: the schema is current` : `✓ ${where}: applied ${applied.join(", ")}`,
  );
} catch (error) {
  console.error(`✗ ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await database?.destroy();
}
