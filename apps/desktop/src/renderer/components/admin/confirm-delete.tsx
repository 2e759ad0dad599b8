/**
 * The confirm dialog in front of every delete. The delete runs only on "Delete"; its outcome
 * is reported by the caller (toast, or the blocking rows of a refused delete).
 *
 * Test hooks: `confirm-dialog`, `confirm-yes`, `confirm-no`.
 */
import { Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import type { Translate } from '../../lib/error-text.js';

/** Asks "Delete <name>?" and calls `onConfirm` on yes. */
export function confirmDelete(t: Translate, name: string, onConfirm: () => void): void {
  modals.openConfirmModal({
    title: t('confirm.deleteTitle', { name }),
    centered: true,
    children: (
      <Text size="sm" data-testid="confirm-dialog">
        {t('confirm.deleteBody')}
      </Text>
    ),
    labels: { confirm: t('common.delete'), cancel: t('common.cancel') },
    confirmProps: { color: 'red', 'data-testid': 'confirm-yes' } as Record<string, unknown>,
    cancelProps: { 'data-testid': 'confirm-no' } as Record<string, unknown>,
    onConfirm,
  });
}
