/**
 * @pantau/server: the companion server. Entry points: {@link startServer} (programmatic,
 * tests) and `bin/pantau.js` (the CLI).
 */
export { startServer, type RunningServer } from './server.js';
export { loadConfig, type ServerConfig } from './config.js';
export { main } from './cli.js';
