/**
 * The text side of the PostgreSQL connection (db/pg-connection.ts): SQL placeholders numbered
 * for PostgreSQL, parameters as libpq's text format takes them, and values decoded into the
 * shapes SQLite gives (integers and numerics as numbers, booleans as 1/0, bytea as Buffer,
 * everything else as PostgreSQL's text). Pure functions, no connection.
 */

/** Type OIDs read as numbers (pg_type: int8, int2, int4, oid, float4, float8, numeric). */
const NUMERIC_OIDS = new Set([20, 21, 23, 26, 700, 701, 1700]);
const BOOL_OID = 16;
const BYTEA_OID = 17;

/**
 * Number `?` placeholders as `$1 … $n`, and named ones (`@name`, better-sqlite3's, bound from one
 * object) as `$1 …` per distinct name, leaving quoted strings, quoted identifiers and comments alone.
 * @returns the SQL text, how many parameters it takes, and the names in order when named
 */
export function numberPlaceholders(sql: string): { text: string; count: number; names: string[] | null } {
  if (!sql.includes('?') && !sql.includes('@')) return { text: sql, count: 0, names: null };
  let out = '';
  let n = 0;
  const names: string[] = [];
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop + 1);
      i = stop;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else if (ch === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      let k = names.indexOf(m);
      if (k < 0) k = names.push(m) - 1;
      out += `$${k + 1}`;
      i += m.length;
    } else out += ch;
  }
  if (names.length > 0 && n > 0) throw new Error('a statement cannot mix ? and @name parameters');
  return names.length > 0 ? { text: out, count: names.length, names } : { text: out, count: n, names: null };
}

/** A parameter as libpq's text format takes it. */
export function toParam(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
  if (v instanceof Date) return v.toISOString();
  throw new TypeError(`cannot bind a ${typeof v} to a PostgreSQL statement`);
}

/** A non-null value of type `oid` in libpq's text format, in SQLite's shape. */
export function decodeValue(oid: number, text: string): unknown {
  if (NUMERIC_OIDS.has(oid)) return Number(text);
  if (oid === BOOL_OID) return text === 't' ? 1 : 0;
  if (oid === BYTEA_OID) return Buffer.from(text.slice(2), 'hex');
  return text;
}

/** A string as a SQL literal (single quotes doubled). */
export function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
