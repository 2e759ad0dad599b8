/**
 * The route table's own rules: each declaration names its path parameters in its params
 * schema and nothing else, one route per method and path, device routes carry a permission,
 * and only device routes do.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES, errorStatuses, pathParamNames, successStatuses, type RouteContract } from './index.js';

const entries = Object.entries(ROUTES) as Array<[string, RouteContract]>;

describe('the route table', () => {
  it('declares the path parameters of every route, and only those', () => {
    for (const [name, r] of entries) {
      const inPath = pathParamNames(r.path).sort();
      const inSchema = r.params ? Object.keys(r.params.shape).sort() : [];
      expect({ name, params: inSchema }).toEqual({ name, params: inPath });
    }
  });

  it('has one route per method and path', () => {
    const keys = entries.map(([, r]) => `${r.method} ${r.path}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('gives every device route a permission, and no other route one', () => {
    for (const [name, r] of entries) {
      expect({ name, device: r.access === 'device', permission: r.permission !== undefined }).toEqual({
        name,
        device: r.access === 'device',
        permission: r.access === 'device',
      });
    }
  });

  it('keeps GET and DELETE bodiless, and paged lists on GET', () => {
    for (const [name, r] of entries) {
      if (r.method === 'GET' || r.method === 'DELETE')
        expect({ name, body: r.body }).toEqual({ name, body: undefined });
      if (r.meta) expect({ name, method: r.method }).toEqual({ name, method: 'GET' });
    }
  });

  it('lists success statuses, the usual one first', () => {
    expect(successStatuses(ROUTES.logDetection)).toEqual([202, 200]);
    expect(successStatuses(ROUTES.createGroup)).toEqual([201]);
    expect(successStatuses(ROUTES.getGroup)).toEqual([200]);
  });

  it('describes every success answer: the envelope (`data`) or the media types it produces, not both', () => {
    for (const [name, r] of entries) {
      const has = { name, data: r.data !== undefined, produces: (r.produces?.length ?? 0) > 0 };
      expect({ name, one: has.data !== has.produces }).toEqual({ name, one: true });
    }
  });

  it('gives every route a short summary (the OpenAPI operation list shows it; details go in description)', () => {
    const bad = entries.filter(([, r]) => !r.summary?.trim() || r.summary.length > 70).map(([name]) => name);
    expect(bad).toEqual([]);
  });

  it('derives error statuses from access and shape, plus the declared ones', () => {
    // public, no input: nothing derived
    expect(errorStatuses(ROUTES.setupState)).toEqual([]);
    // public with a body, and its limiter
    expect(errorStatuses(ROUTES.login)).toEqual([400, 413, 415, 429]);
    // signed in, no input, no role
    expect(errorStatuses(ROUTES.me)).toEqual([401]);
    // a record by id under a role, with a unique key
    expect(errorStatuses(ROUTES.updateGroup)).toEqual([400, 401, 403, 404, 409, 413, 415]);
    // a read by id
    expect(errorStatuses(ROUTES.getGroup)).toEqual([400, 401, 404]);
    // the device API: permission and the credential limiter, plus back-pressure
    expect(errorStatuses(ROUTES.logDetectionBatch)).toEqual([400, 401, 403, 413, 415, 429, 503]);
  });

  it('reads path parameters in order', () => {
    expect(pathParamNames('/api/v1/alarms/:event_id/note')).toEqual(['event_id']);
    expect(pathParamNames('/a/:x/b/:y_z')).toEqual(['x', 'y_z']);
    expect(pathParamNames('/health')).toEqual([]);
  });
});
