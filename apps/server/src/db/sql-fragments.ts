/**
 * The few SQL spellings that differ between SQLite and PostgreSQL, for the repositories' raw
 * statements (Kysely's builder covers the rest). Each takes the connection's engine.
 */
import type { Engine } from './connection.js';

/** Two-argument minimum: SQLite's scalar `MIN(a, b)`, PostgreSQL's `LEAST(a, b)`. */
export function least(engine: Engine, a: string, b: string): string {
  return `${engine === 'postgres' ? 'LEAST' : 'MIN'}(${a}, ${b})`;
}

/** Two-argument maximum: SQLite's scalar `MAX(a, b)`, PostgreSQL's `GREATEST(a, b)`. */
export function greatest(engine: Engine, a: string, b: string): string {
  return `${engine === 'postgres' ? 'GREATEST' : 'MAX'}(${a}, ${b})`;
}

/**
 * A top-level field of a JSON text column, as text: `json_extract(col, '$.key')` on SQLite,
 * `(col::json ->> 'key')` on PostgreSQL (the schema keeps JSON as text on both).
 * @param key a plain identifier (not escaped)
 */
export function jsonField(engine: Engine, column: string, key: string): string {
  return engine === 'postgres' ? `(CAST(${column} AS json) ->> '${key}')` : `json_extract(${column}, '$.${key}')`;
}

/** ` RETURNING id` on PostgreSQL, where `run` learns an insert's id no other way; nothing on SQLite. */
export function returningId(engine: Engine): string {
  return engine === 'postgres' ? ' RETURNING id' : '';
}

/** Case-insensitive LIKE (SQLite's LIKE is, for ASCII; PostgreSQL's is not): `LIKE` or `ILIKE`. */
export function likeCi(engine: Engine): string {
  return engine === 'postgres' ? 'ILIKE' : 'LIKE';
}

/** The same, as a Kysely comparison operator: `eb(column, likeOperator(engine), pattern)`. */
export function likeOperator(engine: Engine): 'like' | 'ilike' {
  return engine === 'postgres' ? 'ilike' : 'like';
}
