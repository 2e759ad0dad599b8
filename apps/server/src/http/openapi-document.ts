/**
 * The options of @fastify/swagger: what the OpenAPI document at `/api/docs/json` says besides
 * its operations (info, servers, tags, security schemes), and which routes it shows.
 *
 * The operations are the route table (packages/shared/src/routes): http/route.ts gives each one
 * its `operationId`, summary, tags, security and answers from the declaration. Everything else
 * the app registers is hidden here, because it is not a JSON API OpenAPI 3.0 can describe: the
 * console's files and redirects, the real-time socket `/ws`, the gateway's MPEG-TS socket and
 * HLS files (their URLs come from `liveStream`, which is documented), and the swagger UI itself.
 * The sockets are described in `info.description` instead.
 *
 * The document is checked in (apps/server/openapi.json, kept equal by openapi.test.ts) and linted
 * with Redocly's `recommended` rules (`npm run lint:api`, config: redocly.yaml).
 */
import type { SwaggerOptions } from '@fastify/swagger';
import { ROUTES, TAG_DESCRIPTIONS } from '@pantau/shared';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** `METHOD path` of every route of the table, the only ones the document shows. */
const TABLE = new Set(Object.values(ROUTES).map((r) => `${r.method} ${r.path}`));

const DESCRIPTION = [
  'CCTV control-room server: detections, organisation, alarms, reports, stream gateway.',
  '',
  'Every answer is an envelope: `{ success: true, data[, meta] }`, or on failure',
  '`{ success: false, error: { code, message, details } }` where `details.field` names the offending input.',
  'Operators sign in with `POST /api/v1/auth/login` and send the session token as `Authorization: Bearer …`;',
  'devices and integrators send an API credential as `X-API-Key` and `X-API-Secret`.',
  '',
  'Not in this document, since OpenAPI 3.0 does not describe WebSockets: the real-time feed at `/ws`',
  '(first frame `{ "type": "auth", "token": … }`, then typed events) and the live MPEG-TS socket whose URL',
  '`GET /api/v1/streams/{id}/live` hands out with a short-lived ticket (HLS playlists likewise).',
].join('\n');

/**
 * Whether a route is documented: it comes from the route table.
 * @param method one method or several (as Fastify registered it)
 * @param url the route's path, Fastify syntax
 */
export function isDocumented(method: string | readonly string[], url: string): boolean {
  const methods = typeof method === 'string' ? [method] : method;
  return methods.some((m) => TABLE.has(`${m} ${url}`));
}

/**
 * The document without the component schemas nothing refers to: fastify-type-provider-zod emits
 * every named schema twice, as read (`…Input`) and as written, and the failure envelope is only
 * ever written. Schemas that only unused schemas refer to go too.
 * @param doc the OpenAPI document (not changed)
 * @returns a copy whose `components.schemas` are all referenced
 */
export function withoutUnusedSchemas<D extends object>(doc: D): D {
  const { components = {} } = doc as { components?: { schemas?: Record<string, unknown> } };
  let schemas = { ...(components.schemas ?? {}) };
  for (;;) {
    const names = Object.keys(schemas);
    // a reference from anywhere but the schema itself
    const used = names.filter((name) => {
      const others = Object.fromEntries(Object.entries(schemas).filter(([n]) => n !== name));
      const text = JSON.stringify({ ...doc, components: { ...components, schemas: others } });
      return text.includes(`"#/components/schemas/${name}"`);
    });
    if (used.length === names.length) break;
    schemas = Object.fromEntries(used.map((name) => [name, schemas[name]]));
  }
  return { ...doc, components: { ...components, schemas } };
}

/**
 * The @fastify/swagger options.
 * @param version the server's version (`info.version`)
 */
export function swaggerOptions(version: string): SwaggerOptions {
  return {
    openapi: {
      info: { title: 'Pantau API', version, description: DESCRIPTION },
      // relative: the document describes the server that serves it, whatever its address
      servers: [{ url: '/', description: 'the server that serves this document' }],
      tags: Object.entries(TAG_DESCRIPTIONS).map(([name, description]) => ({ name, description })),
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'The session token of `POST /api/v1/auth/login` (or first-run setup)',
          },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API credential’s key' },
          apiSecret: {
            type: 'apiKey',
            in: 'header',
            name: 'X-API-Secret',
            description: 'An API credential’s secret (sent with its key)',
          },
        },
      },
    },
    transform: (doc) => {
      if (!isDocumented(doc.route.method, doc.url)) return { schema: { hide: true }, url: doc.url };
      return jsonSchemaTransform(doc);
    },
    // the named schemas (the failure envelope) as components, where the operations' $refs point
    transformObject: (doc) => withoutUnusedSchemas(jsonSchemaTransformObject(doc)),
  };
}
