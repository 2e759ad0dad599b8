/**
 * The logging the simulator's parts need, in a module of its own so that `simulate.ts` (which
 * starts the parts) and the parts (camera server, demo organisation, detection poster,
 * heartbeat sender) can all name it without importing one another in a circle.
 */

/** Logging the simulator needs; a pino logger and `console` both fit. */
export interface SimulatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything: the default when the caller passes none. */
export const silentLogger: SimulatorLogger = { info: () => {}, warn: () => {}, error: () => {} };
