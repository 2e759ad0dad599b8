/**
 * The served OpenAPI document is the one committed at `apps/server/openapi.json`: a route, a
 * schema or a description that changes the API's published contract shows up here as a diff to
 * review (and to explain), not by surprise at an integrator's. After a deliberate change,
 * rewrite the file with `PANTAU_UPDATE_OPENAPI=1 npx vitest run apps/server/src/openapi.test.ts`.
 * `npm run lint:api` lints that file with Redocly (redocly.yaml), so it lints what is served.
 *
 * The document is the route table (packages/shared/src/routes): one operation per declaration,
 * named by it, with the security of its access and its error answers (issue 16, item 10).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, errorStatuses, type Access, type RouteContract } from '@pantau/shared';
import { startHarness, type Harness } from './test-support/harness.js';

const FILE = path.join(import.meta.dirname, '..', 'openapi.json');

/** The document with every `required` list sorted: their order means nothing in JSON Schema. */
function normalised(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(normalised);
  if (typeof doc !== 'object' || doc === null) return doc;
  return Object.fromEntries(
    Object.entries(doc).map(([k, v]) => [
      k,
      k === 'required' && Array.isArray(v) ? [...(v as string[])].sort() : normalised(v),
    ]),
  );
}

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Doc {
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
}

/** The security requirement each access level must declare. */
const SECURITY: Record<Access, Array<Record<string, string[]>>> = {
  public: [],
  device: [{ apiKey: [], apiSecret: [] }],
  read: [{ bearer: [] }],
  operate: [{ bearer: [] }],
  admin: [{ bearer: [] }],
  'user-admin': [{ bearer: [] }],
};

let h: Harness;
let served: Doc;
beforeAll(async () => {
  h = await startHarness();
  served = (await (await fetch(`${h.server.url}/api/docs/json`)).json()) as Doc;
});
afterAll(async () => {
  await h?.stop();
});

describe('OpenAPI document', () => {
  it('is the committed one', () => {
    const text = `${JSON.stringify(served, null, 2)}\n`;
    if (process.env.PANTAU_UPDATE_OPENAPI === '1') fs.writeFileSync(FILE, text);
    const committed = JSON.parse(fs.readFileSync(FILE, 'utf8')) as Record<string, unknown>;
    expect(normalised(served)).toEqual(normalised(committed));
  });

  it('has one operation per route of the table, and nothing else', () => {
    const documented = Object.entries(served.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const table = Object.values(ROUTES).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual(table.sort());
    expect(served.servers?.length).toBeGreaterThan(0);
  });

  it("names each operation by its route, with a summary, its access's security and its answers", () => {
    const ids = new Set<string>();
    const without4xx: string[] = [];
    for (const [name, r] of Object.entries(ROUTES) as Array<[string, RouteContract]>) {
      const op = served.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
      expect(op, name).toBeDefined();
      if (!op) continue;
      expect({ name, operationId: op.operationId }).toEqual({ name, operationId: name });
      ids.add(op.operationId!);
      expect(op.summary?.trim(), name).toBeTruthy();
      expect({ name, security: op.security }).toEqual({ name, security: SECURITY[r.access] });
      const statuses = Object.keys(op.responses).map(Number);
      expect(
        statuses.some((s) => s >= 200 && s < 300),
        `${name}: a 2xx answer`,
      ).toBe(true);
      const failures = statuses.filter((s) => s >= 400);
      expect({ name, failures }).toEqual({ name, failures: errorStatuses(r) });
      for (const s of failures)
        expect(op.responses[s]!.content?.['application/json']?.schema?.$ref, `${name} ${s}`).toBe(
          '#/components/schemas/ErrorEnvelope',
        );
      if (!failures.some((s) => s < 500)) without4xx.push(name);
    }
    expect(ids.size).toBe(Object.keys(ROUTES).length);
    // the two operations .redocly.lint-ignore.yaml exempts: public, no input, nothing to refuse
    expect(without4xx.sort()).toEqual(['health', 'setupState']);
  });
});
