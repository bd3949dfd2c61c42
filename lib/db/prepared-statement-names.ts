/**
 * Names for the database client's statements, so that each connection has PostgreSQL parse and plan
 * a statement once and reuses it, instead of doing both on every run of an unnamed one. The same
 * SQL always gets the same name. Past `limit` distinct statements (queries whose text varies, such
 * as an `IN` list of any length) a statement stays unnamed: what each connection holds is bounded.
 */
export function createStatementNamer(limit: number): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined) {
      // pg sends an empty name as PostgreSQL's unnamed statement.
      if (names.size >= limit) return '';
      name = `s${names.size + 1}`;
      names.set(sql, name);
    }
    return name;
  };
}
