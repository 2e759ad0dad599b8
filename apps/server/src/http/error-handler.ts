/**
 * The one place where errors become the failure envelope
 * `{ success: false, error: { code, message, details } }` (DESIGN §6).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { PantauError } from '@pantau/shared';

/** `/detected_count` or `/detection_data/x` → `detected_count`, `detection_data.x`. */
function fieldOf(instancePath: string): string {
  return instancePath.replace(/^\//, '').replace(/\//g, '.');
}

/**
 * Fastify's `frameworkErrors` option: the router's own refusals, which otherwise answer in
 * Fastify's shape — a path segment longer than `maxParamLength` (100 characters: 414
 * URI_TOO_LONG) and a URL that does not decode (400 VALIDATION_ERROR) — in the envelope, field
 * `url`. A client's mistake, logged at info.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  request.log.info({ code: err.code, url: request.url.slice(0, 200) }, 'refused url');
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.status(414).send({
      success: false,
      error: {
        code: 'URI_TOO_LONG',
        message: 'a path segment is longer than 100 characters',
        details: { field: 'url' },
      },
    });
    return;
  }
  void reply.status(400).send({
    success: false,
    error: { code: 'VALIDATION_ERROR', message: 'the URL is not valid', details: { field: 'url' } },
  });
}

/** Install the error and not-found handlers on an app. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | PantauError, request, reply) => {
    if (err instanceof PantauError) {
      // a refusal that says when to come back says it the HTTP way too (RFC 9110 §10.2.3)
      const retryAfter = err.details?.retry_after_s;
      if (typeof retryAfter === 'number' && !reply.hasHeader('retry-after'))
        void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
      // back-pressure is the server working as meant, not an error to log at every request
      if (err.status >= 500 && err.code !== 'UNAVAILABLE') request.log.error({ err }, err.message);
      return reply.status(err.status).send({ success: false, error: err.toBody() });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = (err as { validationContext?: string }).validationContext ?? 'body';
      const issues = err.validation.map((v) => {
        // fastify-type-provider-zod: keyword = zod issue code, instancePath = issue path, params = the rest of the issue
        let path = fieldOf(v.instancePath);
        const keys = (v.params as { keys?: unknown })?.keys;
        // an unknown field: name it
        if (v.keyword === 'unrecognized_keys' && Array.isArray(keys) && typeof keys[0] === 'string')
          path = path ? `${path}.${keys[0]}` : keys[0];
        return { field: path || where, message: v.message ?? 'invalid' };
      });
      const first = issues[0] ?? { field: where, message: 'invalid' };
      return reply.status(400).send({
        success: false,
        error: {
          code: 'VALIDATION_ERROR',
          message: `${first.field}: ${first.message}`,
          details: { field: first.field, location: where, issues },
        },
      });
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause.issues }, 'response does not match its schema');
      return reply.status(500).send({ success: false, error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
    }
    const e = err as FastifyError;
    switch (e.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.status(400).send({
          success: false,
          error: { code: 'INVALID_JSON', message: 'body is not valid JSON', details: { field: 'body' } },
        });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.status(413).send({
          success: false,
          error: { code: 'PAYLOAD_TOO_LARGE', message: 'body too large', details: { field: 'body' } },
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.status(415).send({
          success: false,
          error: {
            code: 'UNSUPPORTED_MEDIA_TYPE',
            message: `unsupported content-type ${request.headers['content-type'] ?? ''}`,
            details: { field: 'content-type' },
          },
        });
      default:
        break;
    }
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return reply
        .status(e.statusCode)
        .send({ success: false, error: { code: 'VALIDATION_ERROR', message: e.message } });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ success: false, error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      success: false,
      error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
}
