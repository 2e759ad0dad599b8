/**
 * Where the sign-in limiter keeps its counters in scale mode: PostgreSQL's `login_limits`
 * (migration 021) through rate-limiter-flexible's RateLimiterPostgres, on a small pool of its own
 * (node-postgres, asynchronous: the limiter awaits, and a sign-in is an async path anyway). On
 * SQLite the limiter counts in memory (one process).
 */
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** Makes the sign-in limiter's counters (services/auth-service.ts). */
export interface LoginLimitStore {
  /** whether other processes count in the same store (scale mode) */
  readonly shared: boolean;
  /** A limiter of `points` per `duration` seconds, its keys prefixed `prefix` */
  limiter(prefix: string, points: number, duration: number): RateLimiterAbstract;
  close(): Promise<void>;
}

/** Counters in this process's memory. */
export const memoryLoginLimits: LoginLimitStore = {
  shared: false,
  limiter: (keyPrefix, points, duration) => new RateLimiterMemory({ keyPrefix, points, duration }),
  close: async () => undefined,
};

/**
 * Counters in PostgreSQL, shared by every process of the database.
 * @param url the PostgreSQL URL
 */
export function postgresLoginLimits(url: string): LoginLimitStore {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'pantau-login-limits' });
  // a lost connection is retried on the next query; an idle client's error must not end the process
  pool.on('error', () => undefined);
  return {
    shared: true,
    limiter: (keyPrefix, points, duration) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: 'login_limits',
        tableCreated: true,
        clearExpiredByTimeout: true,
        keyPrefix,
        points,
        duration,
      }),
    close: () => pool.end(),
  };
}
