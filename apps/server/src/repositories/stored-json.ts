/**
 * A JSON column read back: parsed and checked against the shape it was written with. The API
 * checks every value on the way in, so a value that fails here was edited by hand (or by an older
 * build); readers skip it rather than fail every request or detection that touches the row.
 */
import type { z } from 'zod';

/**
 * @param text the column's text
 * @param schema the shape it was written with
 * @returns the value, or undefined when the text is not JSON or not of that shape
 */
export function storedJson<S extends z.ZodType>(text: string, schema: S): z.output<S> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}
