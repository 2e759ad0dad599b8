/**
 * Save bytes the console fetched (a report export) as a download: a Blob URL on a transient
 * `<a download>`, which both Chromium and Electron's renderer turn into a save (Electron asks
 * where, per its session's `will-download`). The URL is revoked once the click has been handled.
 */

/**
 * @param bytes the file's content
 * @param type its media type, e.g. `application/pdf`
 * @param filename the name offered
 */
export function saveBytes(bytes: ArrayBuffer, type: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
