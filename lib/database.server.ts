import 'server-only';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export type Database = PrismaClient;

/** The client an interactive transaction (`db.$transaction(async (tx) => ...)`) hands its callback. */
export type Transaction = Parameters<Parameters<Database['$transaction']>[0]>[0];

export function createDatabase(databaseUrl: string): Database {
  // A bounded wait for a connection: with the database away, a request fails in seconds (and the
  // person is asked to try again) instead of hanging.
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 }) });
}
