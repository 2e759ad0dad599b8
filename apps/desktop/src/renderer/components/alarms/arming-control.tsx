/**
 * A branch's arming on the console (issue 14): a badge that says whether the branch raises
 * alarms (armed, and in which arming mode) or not (disarmed), and, for operators and admins of
 * the branch, a menu to arm, disarm or switch the mode in one click. Shown on the wall's toolbar
 * (the branches of the layout on the wall), beside each branch of the camera tree, and on the
 * rules tab. The server audits and broadcasts each switch (`arming_updated`), so every console
 * shows it at once.
 *
 * Test hooks: `arming-badge[data-branch-id][data-armed][data-mode]`, `arming-arm`,
 * `arming-disarm`, `arming-mode[data-mode]` (a mode's item; `data-mode=""` = no mode).
 */
import { Badge, Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { BranchArming } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { queryKeys } from '../../data/query-keys.js';
import { errorText } from '../../lib/error-text.js';
import { useCanOperate } from './feed-alarm-controls.js';

/** Every branch's arming in the user's scope, refreshed by `arming_updated`. */
export function useArmings() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.armings(), queryFn: () => api.armings(), staleTime: 60_000 });
}

/** One branch's arming, or undefined while loading (or out of scope). */
export function useArming(branchId: number): BranchArming | undefined {
  return useArmings().data?.find((a) => a.branch_id === branchId);
}

/** The badge (and, for operators, the menu) of one branch. */
export function ArmingBadge({ branchId, withName = false }: { branchId: number; withName?: boolean }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const canOperate = useCanOperate();
  const arming = useArming(branchId);
  if (!arming) return null;
  const label = `${withName ? `${arming.branch_name} · ` : ''}${
    arming.armed ? (arming.mode ? t('arming.armedIn', { mode: arming.mode }) : t('arming.armed')) : t('arming.disarmed')
  }`;
  const badge = (
    <Badge
      // a button when it opens the arming menu (its aria-expanded needs a role that has it)
      component={canOperate ? 'button' : 'div'}
      size="sm"
      variant={arming.armed ? 'light' : 'outline'}
      color={arming.armed ? 'teal' : 'gray'}
      style={{ cursor: canOperate ? 'pointer' : 'default', textTransform: 'none' }}
      title={
        arming.changed_by_name
          ? t('arming.changedBy', { name: arming.changed_by_name })
          : arming.armed
            ? t('arming.armedHint')
            : t('arming.disarmedHint')
      }
      data-testid="arming-badge"
      data-branch-id={branchId}
      data-armed={arming.armed}
      data-mode={arming.mode ?? ''}
    >
      {arming.armed ? '● ' : '○ '}
      {label}
    </Badge>
  );
  if (!canOperate) return badge;
  const set = (armed: boolean, mode?: string | null) =>
    api.setArming(branchId, mode === undefined ? { armed } : { armed, mode }).then(
      (after) => {
        queryClient.setQueryData<BranchArming[]>(queryKeys.armings(), (list) =>
          list?.map((a) => (a.branch_id === branchId ? after : a)),
        );
        notifications.show({
          color: after.armed ? 'teal' : 'gray',
          message: after.armed
            ? t('arming.didArm', { name: after.branch_name })
            : t('arming.didDisarm', { name: after.branch_name }),
        });
      },
      (err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) }),
    );
  return (
    <Menu shadow="md" position="bottom-start" withinPortal>
      <Menu.Target>{badge}</Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{arming.branch_name}</Menu.Label>
        {arming.armed ? (
          <Menu.Item onClick={() => void set(false)} data-testid="arming-disarm">
            {t('arming.disarm')}
          </Menu.Item>
        ) : (
          <Menu.Item onClick={() => void set(true)} data-testid="arming-arm">
            {t('arming.arm')}
          </Menu.Item>
        )}
        {arming.modes.length > 0 && (
          <>
            <Menu.Divider />
            <Menu.Label>{t('arming.mode')}</Menu.Label>
            {[null, ...arming.modes].map((m) => (
              <Menu.Item
                key={m ?? ''}
                onClick={() => void set(true, m)}
                data-testid="arming-mode"
                data-mode={m ?? ''}
                fw={arming.armed && arming.mode === m ? 700 : undefined}
              >
                {m ?? t('arming.noMode')}
              </Menu.Item>
            ))}
          </>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
