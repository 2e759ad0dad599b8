#!/usr/bin/env node
/**
 * Fixes in dependencies that upstream has not released yet, applied after every `npm install`
 * / `npm ci` (root `postinstall`). Each fix replaces one exact piece of text in one file, and is
 * idempotent: text already patched is left alone. When neither the original nor the patched
 * text is found (the dependency was upgraded), it fails loudly: check whether upstream fixed it,
 * then drop or update the entry.
 *
 * Why not patch-package: it stores whole-line diffs, and mpegts.js ships its bundle as one
 * 400 KB minified line, so each patch would be a 550 KB file nobody can review.
 *
 * Usage: `node scripts/patch-deps.mjs [root]` (root defaults to the repository). Exit 1 when a
 * fix cannot be applied.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The fixes: `file` relative to the root, `from` → `to` exactly once.
 *
 * mpegts.js 1.8.2, xqq/mpegts.js#197 (open): a player destroyed while its WebSocket is still
 * connecting closes the socket, which then fires `error`; the loader has no error handler any
 * more and throws `RuntimeException: undefined`, uncaught, in the transmuxing worker (an
 * operator switching layouts or cameras quickly hits it). An error of a socket the loader
 * aborted itself (`_requestAbort`) is ignored instead. Both the bundle the console uses and the
 * source are patched so that they agree.
 */
export const FIXES = [
  {
    file: 'node_modules/mpegts.js/dist/mpegts.js',
    from: '_onWebSocketError=function(e){this._status=o.LoaderStatus.kError;',
    to: '_onWebSocketError=function(e){if(this._requestAbort)return;this._status=o.LoaderStatus.kError;',
  },
  {
    file: 'node_modules/mpegts.js/src/io/websocket-loader.js',
    from: '    _onWebSocketError(e) {\n        this._status = LoaderStatus.kError;',
    to: "    _onWebSocketError(e) {\n        // Pantau fix (xqq/mpegts.js#197): an aborted socket's error is not one.\n        if (this._requestAbort) {\n            return;\n        }\n        this._status = LoaderStatus.kError;",
  },
  // mpegts.js 1.8.2, xqq/mpegts.js#36 (open): `flush()` (on a seek, e.g. the console's jump back
  // to the live edge) calls `SourceBuffer.abort()` while a range removal may be running; since
  // the MSE spec change (w3c/media-source#19) that throws InvalidStateError, which mpegts.js
  // catches and, as its own comment says, ignores: nothing was appending, so there is nothing
  // to abort, and the flush goes on to queue its removals. It logged it at error level, though,
  // which reads as a player failure in the console and in the e2e error check (CI, stop 18).
  // The expected case is logged as a warning instead; the flush itself is unchanged.
  {
    file: 'node_modules/mpegts.js/dist/mpegts.js',
    from: 'try{t.abort()}catch(e){r.default.e(this.TAG,e.message)}',
    to: 'try{t.abort()}catch(e){r.default.w(this.TAG,e.message)}',
  },
  {
    file: 'node_modules/mpegts.js/src/core/mse-controller.js',
    from: '                    sb.abort();\n                } catch (error) {\n                    Log.e(this.TAG, error.message);',
    to: '                    sb.abort();\n                } catch (error) {\n                    // Pantau fix (xqq/mpegts.js#36): expected while a removal runs; not an error.\n                    Log.w(this.TAG, error.message);',
  },
];

/**
 * Apply `fixes` under `root`.
 * @returns one line per fix: `applied`, `already applied` or `missing file` (a dependency not
 *   installed, e.g. a production install without the desktop app)
 * @throws Error when a file holds neither the original nor the patched text, or holds the
 *   original more than once
 */
export function applyFixes(root, fixes = FIXES) {
  return fixes.map(({ file, from, to }) => {
    const at = path.join(root, file);
    if (!fs.existsSync(at)) return `${file}: missing file`;
    const text = fs.readFileSync(at, 'utf8');
    if (text.includes(to)) return `${file}: already applied`;
    const count = text.split(from).length - 1;
    if (count !== 1)
      throw new Error(
        `${file}: expected the text to patch once, found it ${count} times; was the dependency upgraded? See scripts/patch-deps.mjs`,
      );
    fs.writeFileSync(at, text.replace(from, to));
    return `${file}: applied`;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    for (const line of applyFixes(root)) console.log(`patch-deps: ${line}`);
  } catch (err) {
    console.error(`patch-deps: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
