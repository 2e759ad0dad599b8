/**
 * Person tracking (S8, issue 12): the persons list, a person's detection history and journey,
 * and what operators and admins may change on a person. A person is a re-identification id
 * (`re_id`) as the edge devices send it; `Person` (detection.ts) is the detail with its branch
 * detection summary.
 */
import { z } from 'zod';
import { Id, IsoDateTime, PageQuery } from './common.js';
import { Person } from './detection.js';

export const PersonStatus = z.enum(['active', 'inactive']);
export type PersonStatus = z.infer<typeof PersonStatus>;

/**
 * `GET /api/v1/persons`: newest last detection first. `branch_id` / `group_id`: persons seen
 * there; `from` / `to`: seen on those site-local days (each branch's own), inclusive; `q`: part
 * of the re_id or the label (case-insensitive).
 */
export const PersonListQuery = PageQuery.extend({
  branch_id: z.coerce.number().int().positive().optional(),
  group_id: z.coerce.number().int().positive().optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  status: PersonStatus.optional(),
});
export type PersonListQuery = z.infer<typeof PersonListQuery>;

/** One row of the persons list: the person without the branch summary. */
export const PersonSummary = Person.omit({ branches: true });
export type PersonSummary = z.infer<typeof PersonSummary>;

/** One detection of a person, for the history under the detail (newest first). */
export const PersonDetection = z.object({
  id: Id,
  branch_id: Id,
  branch_name: z.string(),
  device_id: z.string(),
  device_name: z.string().nullable(),
  detected_count: z.int(),
  detection_timestamp: IsoDateTime,
  /** The event the detection made (for its snapshot: `GET /api/v1/events/:id/snapshot`); null for detections before migration 013. */
  event_log_id: Id.nullable(),
  /** Whether the event has a snapshot ready. */
  has_snapshot: z.boolean(),
});
export type PersonDetection = z.infer<typeof PersonDetection>;

/**
 * One visit: consecutive detections of the person at one branch, none more than
 * {@link VISIT_GAP_MS} after the one before.
 */
export const PersonVisit = z.object({
  branch_id: Id,
  branch_name: z.string(),
  /** the cameras that saw the person in this visit, in order of first sight */
  device_ids: z.array(z.string()),
  first_detection: IsoDateTime,
  last_detection: IsoDateTime,
  detection_count: z.int().positive(),
});
export type PersonVisit = z.infer<typeof PersonVisit>;

/** Detections further apart than this start a new visit, ms (30 min). */
export const VISIT_GAP_MS = 30 * 60_000;

/** `GET /api/v1/persons/:re_id/journey`: the visits in time order (the newest {@link JOURNEY_MAX_VISITS}). */
export const PersonJourney = z.object({
  re_id: z.string(),
  visits: z.array(PersonVisit),
  /** true when older visits were left out */
  truncated: z.boolean(),
});
export type PersonJourney = z.infer<typeof PersonJourney>;

/** Most visits a journey answer carries. */
export const JOURNEY_MAX_VISITS = 500;

/** `PATCH /api/v1/persons/:re_id`: a label and a note (operators and admins), the status (admins). */
export const PersonUpdate = z
  .object({
    person_label: z.string().trim().max(128).nullable().optional(),
    note: z.string().trim().max(2000).nullable().optional(),
    status: PersonStatus.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type PersonUpdate = z.infer<typeof PersonUpdate>;
