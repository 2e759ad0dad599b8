/**
 * The HAProxy configuration in front of a cluster of server processes (scale mode): TLS
 * terminated at HAProxy (the console and devices speak https/wss only; plain http is
 * redirected), health checks on `/health`, WebSockets proxied, and the stream paths routed by
 * stream id with consistent hashing, so each camera has one upstream (one ffmpeg, one RTSP
 * session) however many viewers and processes there are; when a gateway process dies only its
 * cameras move, to the next process on the ring.
 *
 * One source: `pantau cluster` writes it for the processes it starts, and `deploy/haproxy.cfg`
 * is its output for the sample below (cluster/haproxy-config.test.ts keeps the file equal and
 * checks it with `haproxy -c`). HAProxy 2.6 (Debian 12) or later: `balance hash`.
 */

/** A server process behind HAProxy. */
export interface HaproxyServer {
  /** a short name (`p1`) */
  name: string;
  /** `host:port` it listens on */
  address: string;
}

/** What {@link haproxyConfig} builds. */
export interface HaproxyOptions {
  /** `addr:port` of the https (and wss) listener */
  httpsBind: string;
  /** `addr:port` of the plain-http listener that only redirects to https; null: none */
  httpBind: string | null;
  /** PEM file with the certificate chain and its private key (HAProxy's `crt`) */
  certPem: string;
  /** processes that serve the API, the feed and the console (roles all, api) */
  api: readonly HaproxyServer[];
  /** processes that serve the stream paths (roles all, gateway) */
  gateways: readonly HaproxyServer[];
  /** the stats page (`addr:port`, plain http, no auth: bind it to loopback), or null */
  statsBind?: string | null;
  /**
   * most connections at once (default 20,000: a 1,000-camera control room's walls and devices);
   * HAProxy needs about twice as many open files (`ulimit -n`)
   */
  maxconn?: number;
}

/**
 * The configuration text.
 * Health checks every 1 s, every 250 ms once one fails (`fastinter`), a process down after 2
 * failures; a refused connection is retried on another process at once (`option redispatch`).
 * Timeouts: 10 s to connect and for a client's request, 60 s of silence on a plain request, 1 h
 * on a WebSocket or a long HLS read (`timeout tunnel`; the feed sends a heartbeat every 20 s).
 */
export function haproxyConfig(o: HaproxyOptions): string {
  const servers = (list: readonly HaproxyServer[]) =>
    list.map((s) => `  server ${s.name} ${s.address} check inter 1s fastinter 250ms fall 2 rise 2`).join('\n');
  return `# HAProxy in front of Pantau server processes (scale mode).
# Written by apps/server/src/cluster/haproxy-config.ts; \`pantau cluster\` writes its own.
global
  maxconn ${o.maxconn ?? 20_000}
  log stdout format raw local0 warning

defaults
  mode http
  log global
  option httplog
  option forwardfor
  timeout connect 10s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s
  timeout tunnel 1h
  timeout client-fin 5s
  # a process that died refuses connections before its health checks fail (2 s): try again at
  # once on another (a stream's next process on the hash ring), so a player's reconnect lands
  retries 3
  option redispatch 1

frontend pantau
  bind ${o.httpsBind} ssl crt ${o.certPem} alpn http/1.1${o.httpBind ? `\n  bind ${o.httpBind}` : ''}
  http-request redirect scheme https code 308 unless { ssl_fc }
  # the servers trust these from HAProxy's address only (pantau serve --trust-proxy)
  http-request set-header X-Forwarded-Proto https
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  acl stream_path path_beg /ws/streams/ /hls/streams/
  acl still_path path_reg ^/api/v1/streams/[0-9]+/still
  use_backend gateways if stream_path || still_path
  default_backend api

backend api
  # the feed's WebSockets stay where they are; new ones go to the least busy process
  balance leastconn
  option httpchk GET /health
  http-check expect status 200
${servers(o.api)}

backend gateways
  # the stream id picks the process: /ws/streams/<id>, /hls/streams/<id>/…, /api/v1/streams/<id>/still
  http-request set-var(txn.stream_id) path,field(4,/) if { path_beg /ws/streams/ /hls/streams/ }
  http-request set-var(txn.stream_id) path,field(5,/) if { path_beg /api/v1/streams/ }
  balance hash var(txn.stream_id)
  hash-type consistent
  option httpchk GET /health
  http-check expect status 200
${servers(o.gateways)}
${
  o.statsBind
    ? `
frontend stats
  bind ${o.statsBind}
  stats enable
  stats uri /
  stats refresh 2s
`
    : ''
}`;
}

/** The sample of `deploy/haproxy.cfg`: three processes of role `all` on this machine. */
export const SAMPLE_HAPROXY: HaproxyOptions = {
  httpsBind: ':8443',
  httpBind: ':8080',
  certPem: '/etc/pantau/haproxy.pem',
  api: [1, 2, 3].map((i) => ({ name: `p${i}`, address: `127.0.0.1:${8080 + i}` })),
  gateways: [1, 2, 3].map((i) => ({ name: `p${i}`, address: `127.0.0.1:${8080 + i}` })),
  statsBind: '127.0.0.1:8404',
};
