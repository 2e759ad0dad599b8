/**
 * The server's validation messages in the user's language. The API sends English sentences
 * (zod's and the shared schemas' own) with a field path but no per-issue code, so the
 * messages the shared schemas can produce are recognised here by their text; anything else
 * is shown as the server wrote it. (A per-issue `code` in `details.issues` would make this
 * table unnecessary: see the console's README.)
 */
import type { Translate } from './error-text.js';

/** Message pattern → i18n key; the pattern's named groups become interpolation values. */
const KNOWN: Array<[RegExp, string]> = [
  [/^Too small: expected string to have >=1 characters?$/, 'serverMsg.required'],
  [/^Invalid input: expected \w+, received (undefined|null)$/, 'serverMsg.required'],
  [/^letters, digits, - and _ only$/, 'serverMsg.codeChars'],
  [/^letters, digits, "\.", "_", "-" and ":" only$/, 'serverMsg.deviceIdChars'],
  [/^at least 8 characters$/, 'password.rule'],
  [/^Too small: expected string to have >=(?<min>\d+) characters$/, 'serverMsg.minChars'],
  [/^Too big: expected string to have <=(?<max>\d+) characters$/, 'serverMsg.maxChars'],
  [/^Too small: expected number to be >=(?<min>-?[\d.]+)$/, 'serverMsg.minNumber'],
  [/^Too big: expected number to be <=(?<max>-?[\d.]+)$/, 'serverMsg.maxNumber'],
  [/^must be an rtsp\(s\):\/\/, http\(s\):\/\/ or ws\(s\):\/\/ URL$/, 'serverMsg.urlScheme'],
  [/^not a valid URL$/, 'serverMsg.url'],
  [/^WIDTHxHEIGHT, e\.g\. 1920x1080$/, 'serverMsg.resolution'],
  [/^unknown IANA time zone$/, 'serverMsg.timezone'],
  [/^Invalid email address$/, 'serverMsg.email'],
  [/^the current password is wrong$/, 'password.wrongCurrent'],
  [/^.+ already exists$/, 'serverMsg.taken'],
  [/^a user with email .+ exists$/, 'serverMsg.taken'],
];

/** `message` in the user's language when it is one the console knows, else unchanged. */
export function serverMessageText(message: string, t: Translate): string {
  for (const [pattern, key] of KNOWN) {
    const m = pattern.exec(message);
    if (m) return t(key, { ...m.groups });
  }
  return message;
}
