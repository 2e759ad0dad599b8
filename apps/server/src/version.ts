/** The server's version, reported by /health, the API document and each process's cluster row. */
export const SERVER_VERSION = '0.1.0';
