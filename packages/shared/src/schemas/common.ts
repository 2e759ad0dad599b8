/**
 * Building blocks shared by every schema: ids, timestamps, envelopes, paging.
 */
import { z } from 'zod';

/** A database row id: positive integer. */
export const Id = z.int().positive();

/** Path parameter `:id` of every entity route. */
export const IdParams = z.object({ id: z.coerce.number().int().positive() });

/** ISO-8601 date-time with an offset or `Z`, e.g. `2026-11-21T10:15:00.000+07:00`. */
export const IsoDateTime = z.iso.datetime({ offset: true });

/** An IANA time-zone name such as `Asia/Jakarta`; checked against the runtime's zone database. */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'unknown IANA time zone' },
  );

/** Success envelope `{ success: true, data }` around a data schema. */
export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}

/** Failure envelope `{ success: false, error: { code, message, details? } }`. */
export const ErrorEnvelope = z.object({
  success: z.literal(false),
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** `?limit=` for newest-first lists: 1..500, default 50. */
export const Limit = z.coerce.number().int().min(1).max(500).default(50);

/** `?page=&per_page=&q=` of every admin list. `page` from 1; `per_page` 1..500 (default 50); `q` searches names and codes. */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(50),
  q: z.string().trim().max(128).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** Paging facts of a list answer: `{ success: true, data: [...], meta }`. */
export const PageMeta = z.object({ page: z.int(), per_page: z.int(), total: z.int() });
export type PageMeta = z.infer<typeof PageMeta>;

/** Success envelope of a paged list: `{ success: true, data: T[], meta: { page, per_page, total } }`. */
export function pagedEnvelope<T extends z.ZodType>(item: T) {
  return z.object({ success: z.literal(true), data: z.array(item), meta: PageMeta });
}

/** A list page as the API client returns it. */
export interface Paged<T> {
  items: T[];
  meta: PageMeta;
}

/** `data` of a deletion: `{ deleted: true }`. */
export const Deleted = z.object({ deleted: z.literal(true) });
export type Deleted = z.infer<typeof Deleted>;
/** The `data` a deletion answers with. */
export const DELETED: Deleted = { deleted: true };

/** `data` of an action with nothing else to say: `{ ok: true }`. */
export const Ok = z.object({ ok: z.literal(true) });
export type Ok = z.infer<typeof Ok>;
