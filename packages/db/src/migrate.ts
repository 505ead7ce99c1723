import { type Kysely, type MigrationResult, Migrator } from "kysely";
import { MIGRATIONS } from "./migrations/index.ts";

export class MigrationFailedError extends Error {
  override readonly name = "MigrationFailedError";
  constructor(
    readonly migration: string | null,
    override readonly cause: unknown,
  ) {
    super(
      `Database migration ${migration ?? "(setup)"} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

/**
 * Brings the schema up to the newest migration. Kysely records what ran in `kysely_migration` and
 * holds a lock while it runs, so several instances starting at once apply each migration once.
 * Answers the names applied by this call (none when the schema was current).
 *
 * @throws MigrationFailedError naming the migration that failed; the ones before it stay applied.
 * @example await migrateToLatest(database.db)
 */
// biome-ignore lint/suspicious/noExplicitAny: any database, whatever its tables
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r: MigrationResult) => r.status === "Error");
    throw new MigrationFailedError(failed?.migrationName ?? null, error);
  }
  return results.filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** The migrations this code knows and has not applied yet: a deployment that skipped `db:migrate`. */
// biome-ignore lint/suspicious/noExplicitAny: any database, whatever its tables
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
