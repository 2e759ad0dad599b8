/**
 * The file side of storage (S5): everything under `<dataDir>/storage`, addressed by paths
 * relative to that root (`events/2026/11/21/1763694000123_<uuid>.jpg`, always `/`-separated)
 * so the database never holds machine-specific absolute paths.
 *
 * Writes are atomic and durable: the bytes go to a temporary file in the same directory,
 * are fsync'd, renamed over the target (rename is atomic within a file system, POSIX
 * rename(2)), and the directory is fsync'd so the rename itself survives a crash. A reader
 * therefore sees either the old file or the whole new one, never a torn write, and a
 * re-run that writes the same path simply replaces it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { siteDay } from '../services/site-time.js';

/** Files under one storage root. */
export class StorageDisk {
  /** Absolute root, e.g. `<dataDir>/storage`. */
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'storage');
  }

  /**
   * Absolute path of a relative storage path.
   * @throws Error when the path escapes the root (`..`, absolute) — a programming error or tampering
   */
  resolve(relative: string): string {
    const abs = path.resolve(this.root, relative);
    if (path.isAbsolute(relative) || !abs.startsWith(this.root + path.sep))
      throw new Error(`storage path outside the root: ${relative}`);
    return abs;
  }

  /**
   * Write `data` to `relative` atomically (temp file + fsync + rename + directory fsync),
   * creating directories as needed. An existing file is replaced.
   * @returns the size written, bytes
   */
  async writeAtomic(relative: string, data: Buffer): Promise<number> {
    const target = this.resolve(relative);
    const dir = path.dirname(target);
    await fsp.mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${path.basename(target)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
    const fh = await fsp.open(tmp, 'wx', 0o640);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fsp.rename(tmp, target);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    await syncDir(dir);
    return data.length;
  }

  /** Read a whole file. @throws the fs error (ENOENT when missing) */
  read(relative: string): Promise<Buffer> {
    return fsp.readFile(this.resolve(relative));
  }

  /** Size of a file in bytes, or null when it does not exist. */
  async size(relative: string): Promise<number | null> {
    try {
      return (await fsp.stat(this.resolve(relative))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /**
   * Delete a file; a file already gone counts as deleted.
   * @returns true when the file no longer exists
   * @throws the fs error for anything but "not found" (permissions, I/O)
   */
  async remove(relative: string): Promise<true> {
    await fsp.rm(this.resolve(relative), { force: true });
    return true;
  }

  /** Whether a file exists now. */
  exists(relative: string): boolean {
    return fs.existsSync(this.resolve(relative));
  }

  /**
   * The files directly in a directory (not recursive), with their modification times.
   * @param relativeDir e.g. `events/2026/11/21`
   * @returns `{ path (relative, '/'-separated), mtimeMs }` per regular file; [] when the directory does not exist
   */
  async listFiles(relativeDir: string): Promise<Array<{ path: string; mtimeMs: number }>> {
    const dir = this.resolve(relativeDir);
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: Array<{ path: string; mtimeMs: number }> = [];
    for (const name of names) {
      const st = await fsp.stat(path.join(dir, name)).catch(() => null);
      if (st?.isFile()) out.push({ path: `${relativeDir}/${name}`, mtimeMs: st.mtimeMs });
    }
    return out;
  }

  /** A read stream of a file (for serving). */
  stream(relative: string): fs.ReadStream {
    return fs.createReadStream(this.resolve(relative));
  }
}

async function syncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | null = null;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (err) {
    // some file systems refuse fsync on a directory (EINVAL/EISDIR); the rename still happened
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  } finally {
    await fh?.close();
  }
}

/**
 * Relative path of a new event snapshot original (DESIGN S5):
 * `events/YYYY/MM/DD/{timestamp}_{uuid}.{ext}` with the site-local day of `at` and
 * `timestamp` = ms since epoch.
 */
export function originalPath(at: Date, timeZone: string, ext: string, uuid: string = crypto.randomUUID()): string {
  const [y, m, d] = siteDay(at, timeZone).split('-');
  return `events/${y}/${m}/${d}/${at.getTime()}_${uuid}.${ext}`;
}

/**
 * Deterministic paths of the files an image job derives from an original: the same
 * directory and stem with `_image.jpg` and `_thumb.jpg`, so a retried job overwrites what a
 * killed attempt wrote instead of adding files.
 */
export function derivedPaths(original: string): { image: string; thumbnail: string } {
  const stem = original.replace(/\.[a-z0-9]+$/i, '');
  return { image: `${stem}_image.jpg`, thumbnail: `${stem}_thumb.jpg` };
}
