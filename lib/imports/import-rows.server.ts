import 'server-only';
import type { Database } from '../db/database.server.ts';
import type { ImportRowOutcome } from '../generated/prisma/enums.ts';

export type ImportRowView = {
  line: number;
  email: string | null;
  name: string | null;
  outcome: ImportRowOutcome;
  reason: string | null;
};

const pageRows = 5000;

/**
 * Every row of an import in line order, with `outcome` only those: a page at a time, each read from
 * where the last ended (by the primary key), so a report of 500,000 rows never sits in memory whole.
 */
export async function* importRows(
  db: Database,
  importId: string,
  outcome?: ImportRowOutcome,
): AsyncGenerator<ImportRowView[]> {
  for (let after = 0; ;) {
    const page = await db.importRow.findMany({
      where: { importId, line: { gt: after }, ...(outcome ? { outcome } : {}) },
      orderBy: { line: 'asc' },
      take: pageRows,
      select: { line: true, email: true, name: true, outcome: true, reason: true },
    });
    if (page.length === 0) return;
    yield page;
    after = page.at(-1)?.line ?? after;
    if (page.length < pageRows) return;
  }
}
