/**
 * The tables, as Kysely sees them. Better Auth owns `user`, `session`, `account`, `verification` and
 * `passkey` (its column names are camelCase, quoted); the migrations in ./migrations create them.
 * Only the columns our own queries read are typed precisely; Better Auth reads them through its
 * own adapter.
 */
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface UserTable {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  image: string | null;
  createdAt: Generated<Timestamp>;
  updatedAt: Generated<Timestamp>;
}

export interface SessionTable {
  id: string;
  token: string;
  userId: string;
  expiresAt: Timestamp;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Generated<Timestamp>;
  updatedAt: Timestamp;
}

export interface AccountTable {
  id: string;
  accountId: string;
  providerId: string;
  userId: string;
  password: string | null;
  createdAt: Generated<Timestamp>;
  updatedAt: Timestamp;
}

export interface PasskeyTable {
  id: string;
  name: string | null;
  userId: string;
  credentialID: string;
  createdAt: Timestamp | null;
}

export interface RateLimitTable {
  key: string;
  /** Milliseconds since the epoch; a bigint, which node-postgres reads as a string. */
  window_start: ColumnType<string, number, number | string>;
  count: number;
}

export interface Database {
  rate_limit: RateLimitTable;
  user: UserTable;
  session: SessionTable;
  account: AccountTable;
  passkey: PasskeyTable;
}
