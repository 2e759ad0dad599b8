/**
 * Reads of what the detections left, with the caller's scope applied: a person and the
 * branches they were seen at (S8) and the event feed (D4) for signed-in users; detections and
 * counting summaries (S7) for integrators' API credentials, narrowed to the credential's
 * branch or device. Out of scope is refused (credentials: 403 OUT_OF_SCOPE, naming the field)
 * or answered as not found (users: 404, like an unknown person), so no other site's data leaks.
 */
import {
  PantauError,
  type CountingRow,
  type DetectionRecord,
  type EventLog,
  type PageMeta,
  type Person,
} from '@pantau/shared';
import type { ReadRepository } from '../repositories/read-repository.js';
import type { AuthUser } from '../domain/caller.js';
import type { CredentialRow } from '../repositories/credential-repository.js';

/** What a credential's scope is made of. */
type CredentialScope = Pick<CredentialRow, 'branch_id' | 'device_id'>;

/** Scope-checked reads for users and integrators. */
export class ReadService {
  constructor(
    private readonly reads: ReadRepository,
    /** The branch of a device (by its own id), or undefined when unknown. */
    private readonly branchOfDevice: (deviceId: string) => number | undefined,
  ) {}

  /**
   * A person with the branches in the user's scope where they were seen.
   * @throws PantauError NOT_FOUND (field `re_id`) when unknown or never seen in scope
   */
  person(user: Pick<AuthUser, 'branchScope'>, reId: string): Person {
    const p = this.reads.person(reId, user.branchScope);
    if (!p) throw new PantauError('NOT_FOUND', `person ${reId} not found`, { field: 're_id' });
    return p;
  }

  /** Newest events first, in the user's scope. */
  events(
    user: Pick<AuthUser, 'branchScope'>,
    q: { limit: number; branch_id?: number | undefined; before_id?: number | undefined },
  ): EventLog[] {
    return this.reads.events({ ...q, scope: user.branchScope });
  }

  /**
   * Detections for an integrator, newest first, paged; a scoped credential reads only its branch
   * or device.
   * @throws PantauError OUT_OF_SCOPE (field `branch_id` or `device_id`) when the query names another
   */
  detections(
    c: CredentialScope,
    q: {
      page: number;
      per_page: number;
      branch_id?: number | undefined;
      device_id?: string | undefined;
      re_id?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
    },
  ): { items: DetectionRecord[]; meta: PageMeta } {
    const query = { ...q };
    if (c.branch_id !== null) {
      if (query.branch_id !== undefined && query.branch_id !== c.branch_id) {
        throw new PantauError('OUT_OF_SCOPE', 'this API credential may not read that branch', { field: 'branch_id' });
      }
      query.branch_id = c.branch_id;
    }
    if (c.device_id !== null) {
      if (query.device_id !== undefined && query.device_id !== c.device_id) {
        throw new PantauError('OUT_OF_SCOPE', 'this API credential may not read that device', { field: 'device_id' });
      }
      query.device_id = c.device_id;
    }
    return this.reads.detections(query);
  }

  /**
   * Counts per branch and site-local day; a credential scoped to a branch or a device reads only
   * that branch.
   * @throws PantauError OUT_OF_SCOPE (field `branch_id`) when the query names another branch
   */
  counting(
    c: CredentialScope,
    q: { branch_id?: number | undefined; from?: string | undefined; to?: string | undefined },
  ): CountingRow[] {
    let branches: number[] | null = q.branch_id !== undefined ? [q.branch_id] : null;
    // a device credential reads its device's branch; a device that vanished reads nothing (-1)
    const own = c.branch_id ?? (c.device_id !== null ? (this.branchOfDevice(c.device_id) ?? -1) : null);
    if (own !== null) {
      if (branches !== null && branches[0] !== own) {
        throw new PantauError('OUT_OF_SCOPE', 'this API credential may not read that branch', { field: 'branch_id' });
      }
      branches = [own];
    }
    return this.reads.counting({ branch_ids: branches, from: q.from, to: q.to });
  }
}
