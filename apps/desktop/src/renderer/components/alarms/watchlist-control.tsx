/**
 * A person's place on the watchlist (issue 14), on the person page and on an alarm: whether
 * they are watched, why, and by whom; operators and admins put them on it with a reason, change
 * the reason or take them off. A branch's "watchlist" rules raise an alarm (critical by default)
 * when a watched person is detected there.
 *
 * Test hooks: `watchlist-control[data-watched]`, `watchlist-add`, `watchlist-reason`,
 * `watchlist-save`, `watchlist-remove`.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../data/use-api.js';
import { queryKeys } from '../../data/query-keys.js';
import { errorText } from '../../lib/error-text.js';
import { useCanOperate } from './feed-alarm-controls.js';
import { useSessionStore } from '../../stores/session-store.js';

/** The control for `reId`. */
export function WatchlistControl({ reId }: { reId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const canOperate = useCanOperate();
  const list = useQuery({ queryKey: queryKeys.watchlist(), queryFn: () => api.watchlist(), staleTime: 30_000 });
  const entry = list.data?.find((w) => w.re_id === reId);
  // a user with a scope changes only the entries they added (the server says so too)
  const me = useSessionStore((s) => s.user);
  const mayChange = entry !== undefined && me !== null && (me.scope_all || entry.added_by === me.id);
  const [editing, setEditing] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const done = (p: Promise<unknown>) => {
    setBusy(true);
    setError(null);
    p.then(
      () => {
        void client.invalidateQueries({ queryKey: queryKeys.watchlist() });
        setEditing(false);
      },
      (err: unknown) => {
        setError(errorText(err, t));
        // someone else put the person on it meanwhile: show their entry
        void client.invalidateQueries({ queryKey: queryKeys.watchlist() });
      },
    ).finally(() => setBusy(false));
  };
  return (
    <Stack gap={4} data-testid="watchlist-control" data-watched={entry !== undefined}>
      {entry ? (
        <>
          <Group gap="xs" wrap="nowrap">
            <Badge color="red" variant="filled" style={{ flexShrink: 0 }}>
              {t('watchlist.on')}
            </Badge>
            {canOperate && mayChange && !editing && (
              <Group gap={4} wrap="nowrap" ml="auto">
                <Button
                  size="compact-xs"
                  variant="light"
                  onClick={() => {
                    setReason(entry.reason);
                    setEditing(true);
                  }}
                >
                  {t('common.edit')}
                </Button>
                <Button
                  size="compact-xs"
                  variant="subtle"
                  color="red"
                  loading={busy}
                  onClick={() => done(api.deleteWatchlist(reId))}
                  data-testid="watchlist-remove"
                >
                  {t('watchlist.remove')}
                </Button>
              </Group>
            )}
          </Group>
          <Text size="sm" data-testid="watchlist-reason-text">
            {entry.reason}
            {entry.added_by_name && (
              <Text span size="xs" c="dimmed">
                {' '}
                · {t('watchlist.addedBy', { name: entry.added_by_name })}
              </Text>
            )}
          </Text>
        </>
      ) : (
        canOperate &&
        !editing && (
          <Button
            size="compact-xs"
            variant="light"
            color="red"
            w="fit-content"
            onClick={() => {
              setReason('');
              setEditing(true);
            }}
            data-testid="watchlist-add"
          >
            {t('watchlist.add')}
          </Button>
        )
      )}
      {editing && (
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput
            size="xs"
            label={t('watchlist.reason')}
            placeholder={t('watchlist.reasonHint')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            maxLength={500}
            style={{ flex: 1 }}
            data-testid="watchlist-reason"
          />
          <Button
            size="xs"
            color="red"
            disabled={reason.trim() === ''}
            loading={busy}
            // adding never replaces an entry this console has not seen yet (409 then says so)
            onClick={() =>
              done(
                api.putWatchlist(reId, entry ? { reason: reason.trim() } : { reason: reason.trim(), only_new: true }),
              )
            }
            data-testid="watchlist-save"
          >
            {t('common.save')}
          </Button>
          <Button size="xs" variant="default" onClick={() => setEditing(false)}>
            {t('common.cancel')}
          </Button>
        </Group>
      )}
      {error && (
        <Alert color="red" variant="light">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
