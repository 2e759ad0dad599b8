/**
 * Operator reads of what the detections left: a person (S8), the event feed (D4) and an event's
 * snapshot links (S5), plus the signed file links themselves. Out-of-scope records answer 404,
 * like unknown ones.
 */
import { z } from 'zod';
import { IdParams, PageMeta, PageQuery } from '../schemas/common.js';
import { PersonDetection, PersonJourney, PersonListQuery, PersonSummary, PersonUpdate } from '../schemas/persons.js';
import { Person, ReId } from '../schemas/detection.js';
import { EventListQuery, EventLog } from '../schemas/events.js';
import { SnapshotLinks } from '../schemas/snapshots.js';
import { defineRoute } from './route.js';

const ReIdParams = z.object({ re_id: ReId });

export const eventRoutes = {
  /** Persons seen in the caller's scope, newest last detection first. */
  listPersons: defineRoute({
    summary: 'List persons',
    method: 'GET',
    path: '/api/v1/persons',
    access: 'read',
    tags: ['persons'],
    query: PersonListQuery,
    data: z.array(PersonSummary),
    meta: PageMeta,
  }),
  person: defineRoute({
    method: 'GET',
    path: '/api/v1/persons/:re_id',
    access: 'read',
    tags: ['persons'],
    summary: 'Get a person',
    description: "A person with the branch detection summary of the caller's scope; 404 when never seen in scope",
    params: ReIdParams,
    data: Person,
    errors: [404],
  }),
  /** The person's detections in scope, newest first. */
  personDetections: defineRoute({
    summary: "A person's detections",
    method: 'GET',
    path: '/api/v1/persons/:re_id/detections',
    access: 'read',
    tags: ['persons'],
    params: ReIdParams,
    query: PageQuery.omit({ q: true }),
    data: z.array(PersonDetection),
    meta: PageMeta,
    errors: [404],
  }),
  /** The person's visits across branches and cameras in time order. */
  personJourney: defineRoute({
    summary: "A person's journey across branches",
    method: 'GET',
    path: '/api/v1/persons/:re_id/journey',
    access: 'read',
    tags: ['persons'],
    params: ReIdParams,
    data: PersonJourney,
    errors: [404],
  }),
  /** Set a person's label and note (operators and admins) or status (admins); audited. */
  updatePerson: defineRoute({
    summary: 'Label a person or change their status',
    method: 'PATCH',
    path: '/api/v1/persons/:re_id',
    access: 'operate',
    tags: ['persons'],
    params: ReIdParams,
    body: PersonUpdate,
    data: Person,
    errors: [403, 404],
  }),
  listEvents: defineRoute({
    summary: 'List events',
    method: 'GET',
    path: '/api/v1/events',
    access: 'read',
    tags: ['events'],
    query: EventListQuery,
    data: z.array(EventLog),
  }),
  /** Signed, expiring links to an event's snapshot; `NOT_FOUND` while there is none (yet) or the event is out of scope. */
  eventSnapshot: defineRoute({
    method: 'GET',
    path: '/api/v1/events/:id/snapshot',
    access: 'read',
    tags: ['events'],
    summary: "Links to an event's snapshot",
    description:
      "Signed links (default 10 minutes) to an event's stamped image and thumbnail; 404 when none (yet) or out of scope",
    params: IdParams,
    data: SnapshotLinks,
    errors: [404],
  }),
  /** The file a signed link names (the token is the authorisation); answers with the file, not an envelope. */
  file: defineRoute({
    errors: [403],
    produces: ['image/jpeg'],
    method: 'GET',
    path: '/files/:token',
    access: 'public',
    tags: ['events'],
    summary: 'A file through its signed link',
    description:
      'A stored file through its signed link: 403 when the link is tampered with or expired, 404 when the file is gone',
    params: z.object({ token: z.string().min(1).max(300) }),
  }),
};
