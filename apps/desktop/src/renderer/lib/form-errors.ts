/**
 * Turns a failed save into what a form shows: the server's messages beside the fields they
 * name, and a sentence for the rest.
 *
 * The server answers `{ code, message, details: { field, issues: [{ field, message }] } }`
 * (packages/shared errors.ts). A field path such as `positions.0.stream_id` or
 * `body.branch_code` is matched to the form's own fields by its longest known prefix, so
 * `scope_branch_ids.2` lands on `scope_branch_ids`.
 */
import { PantauError } from '@pantau/shared';
import { errorText, type Translate } from './error-text.js';
import { serverMessageText } from './server-messages.js';

/** What a form shows after a failed save. */
export interface FormErrorResult {
  /** Form field → message, for fields of this form. */
  fields: Record<string, string>;
  /** A message for the whole form (errors on fields it does not have, or none), or null. */
  general: string | null;
}

function formField(path: string, known: readonly string[]): string | null {
  const parts = path.replace(/^(body|query|params)\./, '').split('.');
  for (let n = parts.length; n > 0; n--) {
    const candidate = parts.slice(0, n).join('.');
    if (known.includes(candidate)) return candidate;
  }
  return null;
}

/** The server's message without a leading `field: ` that repeats the field's own label. */
function bare(message: string, path: string): string {
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

/**
 * Maps an error thrown by the API client onto a form.
 * @param err anything thrown by a save
 * @param known the form's field names
 * @param describe turns a non-field error into a sentence (e.g. translated by code)
 * @param translate turns the server's message for a field into the user's language
 */
export function formErrorsFrom(
  err: unknown,
  known: readonly string[],
  describe: (err: unknown) => string,
  translate: (message: string) => string = (m) => m,
): FormErrorResult {
  const fields: Record<string, string> = {};
  const stray: string[] = [];
  if (err instanceof PantauError) {
    const issues =
      err.details?.issues ?? (err.details?.field ? [{ field: err.details.field, message: err.message }] : []);
    for (const issue of issues) {
      const field = formField(issue.field, known);
      const message = translate(bare(issue.message, issue.field));
      if (field === null) stray.push(`${issue.field}: ${message}`);
      else fields[field] ??= message;
    }
  }
  if (Object.keys(fields).length > 0) return { fields, general: stray.length > 0 ? stray.join('; ') : null };
  return { fields, general: stray.length > 0 ? stray.join('; ') : describe(err) };
}

/** {@link formErrorsFrom} with the console's sentences and the server's messages translated. */
export function formErrorsFor(err: unknown, known: readonly string[], t: Translate): FormErrorResult {
  return formErrorsFrom(
    err,
    known,
    (e) => errorText(e, t),
    (m) => serverMessageText(m, t),
  );
}
