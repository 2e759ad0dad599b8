/**
 * Who may read the data directory (issue 16): the database and its WAL hold hashed passwords,
 * sealed credentials and every detection; the logs hold addresses and API keys. The directory
 * is made 0700 and the files in it 0600, and the process creates new files without group or
 * other bits (umask 077), so a file made later (a day's log, a snapshot, the WAL) is private
 * too. `master.key` was already 0600.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** Folders below the data directory whose files are fixed at start (small: days of logs, the TLS pair). */
const FIX_BELOW = ['logs', 'tls'];

/**
 * Make `dataDir` (created if missing) private to this user, and the process's new files too.
 * Snapshots below it are not walked (there may be millions): the directory's 0700 already keeps
 * other users out of everything under it.
 * @param dataDir the server's data directory
 * @returns the entries whose mode was changed (relative paths), for the log
 */
export function secureDataDir(dataDir: string): string[] {
  // a worker thread (the detection thread opens its own connection) may not set it; the main thread has
  if (isMainThread) process.umask(0o077);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const changed: string[] = [];
  const fix = (abs: string, mode: number) => {
    const st = fs.lstatSync(abs);
    // not ours (a shared mount, another user's file): leave it, and do not fail the start
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return;
    if ((st.mode & 0o777) !== mode) {
      fs.chmodSync(abs, mode);
      changed.push(path.relative(dataDir, abs) || '.');
    }
  };
  const walk = (dir: string, depth: number) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isFile()) fix(abs, 0o600);
      else if (e.isDirectory()) {
        fix(abs, 0o700);
        if (depth === 0 ? FIX_BELOW.includes(e.name) : true) walk(abs, depth + 1);
      }
    }
  };
  fix(dataDir, 0o700);
  walk(dataDir, 0);
  return changed;
}
