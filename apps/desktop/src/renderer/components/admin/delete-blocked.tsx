/**
 * A delete the server refused because other records still hang on the one deleted (409 with
 * `details.branches` for a group, `details.devices` for a branch or an NVR): the dialog names
 * them. Any other failure is a red toast.
 *
 * Test hook: `delete-blocked`.
 */
import { List, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { PantauError } from '@pantau/shared';
import { errorText, type Translate } from '../../lib/error-text.js';

/** The rows a refused delete names, as text (`Name (CODE)`); empty for any other error. */
export function blockingRows(err: unknown): string[] {
  if (!(err instanceof PantauError) || err.code !== 'CONFLICT') return [];
  const rows = err.details?.branches ?? err.details?.devices;
  if (!Array.isArray(rows)) return [];
  return rows.map((r: unknown) => {
    const b = r as { branch_name?: string; branch_code?: string; device_name?: string; device_id?: string };
    const name = b.branch_name ?? b.device_name;
    const code = b.branch_code ?? b.device_id;
    return name ? `${name}${code ? ` (${code})` : ''}` : JSON.stringify(r);
  });
}

/**
 * Reports a failed delete of `name`: the blocking rows in a dialog under `blockedText` (what
 * to do about them), else a toast.
 */
export function reportDeleteFailure(t: Translate, name: string, err: unknown, blockedText: string): void {
  const rows = blockingRows(err);
  if (rows.length === 0) {
    notifications.show({ color: 'red', message: errorText(err, t) });
    return;
  }
  modals.open({
    title: t('confirm.blockedTitle', { name }),
    centered: true,
    children: (
      <div data-testid="delete-blocked">
        <Text size="sm" mb="xs">
          {blockedText}
        </Text>
        <List size="sm">
          {rows.map((r) => (
            <List.Item key={r}>{r}</List.Item>
          ))}
        </List>
      </div>
    ),
  });
}
