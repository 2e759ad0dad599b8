/**
 * The served OpenAPI document is the one committed at `apps/server/openapi.json`: a route, a
 * schema or a description that changes the API's published contract shows up here as a diff to
 * review (and to explain), not by surprise at an integrator's. After a deliberate change,
 * rewrite the file with `PANTAU_UPDATE_OPENAPI=1 npx vitest run apps/server/src/openapi.test.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('OpenAPI document', () => {
  it('is the committed one', async () => {
    const served = (await (await fetch(`${h.server.url}/api/docs/json`)).json()) as Record<string, unknown>;
    const text = `${JSON.stringify(served, null, 2)}\n`;
    if (process.env.PANTAU_UPDATE_OPENAPI === '1') fs.writeFileSync(FILE, text);
    const committed = JSON.parse(fs.readFileSync(FILE, 'utf8')) as Record<string, unknown>;
    expect(normalised(served)).toEqual(normalised(committed));
  });
});
