/**
 * Wakes the outbox tailers of the other server processes (scale mode): PostgreSQL
 * LISTEN/NOTIFY on the channel `pantau_outbox`, over a connection of its own (node-postgres,
 * asynchronous: a LISTEN connection waits for the server, which the process's synchronous
 * connection must never do).
 *
 * One notification per committed batch, not per event: NOTIFY takes a cluster-wide lock at
 * commit, so {@link OutboxSignal.notify} sends at most one at a time and folds the commits made
 * meanwhile into the next. A notification carries nothing: the woken hub reads the outbox from
 * its cursor (realtime/hub.ts), so a lost one costs only latency; the hub's own 250 ms pump is
 * the safety net, and after a reconnect the listener is told once to catch up.
 */
import pg from 'pg';
import type { Logger } from 'pino';

/** The NOTIFY channel. */
export const OUTBOX_CHANNEL = 'pantau_outbox';

/** See the module's docstring. */
export class OutboxSignal {
  private client: pg.Client | null = null;
  private closed = false;
  private inFlight = false;
  private again = false;
  private retry: NodeJS.Timeout | null = null;
  /** notifications sent and received, for /health */
  readonly counts = { sent: 0, received: 0, reconnects: 0 };

  /**
   * @param url the PostgreSQL URL
   * @param onSignal called when another process (or this one) committed events
   */
  constructor(
    private readonly url: string,
    private readonly onSignal: () => void,
    private readonly logger: Logger,
  ) {}

  /** Connect and LISTEN; reconnects by itself (every second) until {@link close}. */
  async start(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'pantau-listen' });
    client.on('notification', () => {
      this.counts.received += 1;
      this.onSignal();
    });
    client.on('error', (err) => {
      this.logger.warn({ err }, 'outbox signal: connection lost');
      this.reconnect();
    });
    client.on('end', () => this.reconnect());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.client = client;
      // whatever was committed while not listening
      this.onSignal();
    } catch (err) {
      this.logger.warn({ err }, 'outbox signal: cannot listen yet');
      void client.end().catch(() => undefined);
      this.reconnect();
    }
  }

  private reconnect(): void {
    this.client = null;
    if (this.closed || this.retry) return;
    this.counts.reconnects += 1;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.start();
    }, 1000);
    this.retry.unref();
  }

  /** Tell the other processes that events were committed (coalesced: see the module's docstring). */
  notify(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    const client = this.client;
    if (!client) return;
    this.inFlight = true;
    this.again = false;
    client
      .query(`NOTIFY ${OUTBOX_CHANNEL}`)
      .then(() => {
        this.counts.sent += 1;
      })
      .catch((err: unknown) => this.logger.warn({ err }, 'outbox signal: NOTIFY failed'))
      .finally(() => {
        this.inFlight = false;
        if (this.again) this.notify();
      });
  }

  /** Stop listening. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
