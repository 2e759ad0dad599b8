/**
 * The API test console's model (pure, unit-tested): the device and integrator endpoints it can
 * call, a valid sample body for each (from a real device of the user's scope), parsing what
 * the admin typed, and picking the headers worth showing from an answer.
 */
import { ROUTES, type RouteContract } from '@pantau/shared';

/** An endpoint the console can call: a device route of the shared table. */
export interface ConsoleEndpoint {
  id: 'detection-log' | 'heartbeat' | 'detections' | 'counting';
  method: RouteContract['method'];
  path: string;
  /** The permission the credential needs (the route's declaration). */
  permission: string;
  /** POST: the body is edited as JSON; GET: a query string. */
  hasBody: boolean;
  /** Query string prefilled for a GET, without `?`. */
  query: string;
}

/** A menu entry from a route's declaration, so the console calls exactly what the server serves. */
function endpoint(id: ConsoleEndpoint['id'], route: RouteContract, query = ''): ConsoleEndpoint {
  return {
    id,
    method: route.method,
    path: route.path,
    permission: route.permission ?? '',
    hasBody: route.body !== undefined,
    query,
  };
}

/** The endpoints, in menu order. */
export const ENDPOINTS: readonly ConsoleEndpoint[] = [
  endpoint('detection-log', ROUTES.logDetection),
  endpoint('heartbeat', ROUTES.heartbeat),
  endpoint('detections', ROUTES.detections, 'per_page=10'),
  endpoint('counting', ROUTES.countingSummary),
];

/** The device the samples speak for: a real one of the user's scope when there is one. */
export interface SampleDevice {
  device_id: string;
  branch_id: number;
}

/** Used when the scope has no device yet (the server will answer 404 UNKNOWN_DEVICE, which is instructive too). */
export const PLACEHOLDER_DEVICE: SampleDevice = { device_id: 'cam-01', branch_id: 1 };

/**
 * The prefilled JSON body of a POST endpoint, pretty-printed: a detection of one person now
 * (no `event_id`, so every send counts), or a heartbeat. `''` for a GET.
 */
export function sampleBody(endpoint: ConsoleEndpoint['id'], device: SampleDevice, now: Date = new Date()): string {
  switch (endpoint) {
    case 'detection-log':
      return JSON.stringify(
        {
          re_id: 'console-test-0001',
          branch_id: device.branch_id,
          device_id: device.device_id,
          detected_count: 1,
          detection_timestamp: now.toISOString(),
          detection_data: { confidence: 0.92, bbox: [120, 40, 80, 200], source: 'api test console' },
        },
        null,
        2,
      );
    case 'heartbeat':
      return JSON.stringify({ device_id: device.device_id, status: 'online' }, null, 2);
    case 'detections':
    case 'counting':
      return '';
  }
}

/** The body text parsed, or why it is not JSON. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: string };

/** Parses the body typed; an empty text sends no body. */
export function parseBody(text: string): ParsedBody {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** `a=1&b=2` (a leading `?` allowed) → `{ a: '1', b: '2' }`. */
export function parseQuery(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text.trim().replace(/^\?/, '')));
}

/** Headers the console lists, in this order, when the answer has them. */
export const SHOWN_HEADERS = [
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
  'content-type',
  'content-length',
] as const;

/** The answer's headers worth showing: `[name, value]`, in {@link SHOWN_HEADERS} order. */
export function shownHeaders(headers: Pick<Headers, 'get'>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const name of SHOWN_HEADERS) {
    const v = headers.get(name);
    if (v !== null) out.push([name, v]);
  }
  return out;
}

/** A body for display: JSON pretty-printed with two spaces, text as it came. */
export function prettyBody(body: unknown): string {
  if (body === undefined) return '';
  return typeof body === 'string' ? body : JSON.stringify(body, null, 2);
}

/** Badge colour of an HTTP status. */
export function statusColour(status: number): 'teal' | 'yellow' | 'red' {
  return status < 300 ? 'teal' : status < 500 && status !== 401 && status !== 403 && status !== 429 ? 'yellow' : 'red';
}
