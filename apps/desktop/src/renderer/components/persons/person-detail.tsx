/**
 * One person (S8, issue 12): who they are (re_id, label, note, first and last seen, counts,
 * the appearance features the edge model sent),
 * the branch detection summary as cards (the detection count as a badge, as in v1.3), the
 * journey (visits across branches and cameras in time order) and the detection history with
 * snapshot thumbnails. Operators and admins set the label and note; admins the status. The
 * detail refetches (at most every second) while open when a detection of this person arrives.
 * Times are shown in each branch's own zone.
 *
 * Test hooks: `person-detail` (`data-re-id`), `person-label`, `person-note`, `person-save`,
 * `person-status`, the watchlist control's (watchlist-control.tsx), `person-branch-card` (`data-branch-id`, `data-count`), `journey-visit`
 * (`data-branch-id`, `data-count`), `person-detection` rows, `person-detections-page`.
 */
import { useEffect, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  CloseButton,
  Group,
  Loader,
  Pagination,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
  Timeline,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Person, PersonDetection } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useBranchTimeZones } from '../../data/use-camera-tree.js';
import { useThrottledEvents } from '../../realtime/use-throttled-events.js';
import { errorText } from '../../lib/error-text.js';
import { DEFAULT_TIME_ZONE } from '../../lib/format.js';
import { useFormat } from '../../i18n/use-format.js';
import { useSessionStore } from '../../stores/session-store.js';
import { useCanOperate } from '../alarms/feed-alarm-controls.js';
import { WatchlistControl } from '../alarms/watchlist-control.js';
import { ReadyThumb } from '../events/snapshot-thumb.js';

const HISTORY_PER_PAGE = 20;

/** Label, note and status, for operators and admins. */
function PersonEdit({ person }: { person: Person }) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const isAdmin = useSessionStore((s) => s.user?.role === 'admin');
  const [label, setLabel] = useState(person.person_label ?? '');
  const [note, setNote] = useState(person.note ?? '');
  useEffect(() => {
    setLabel(person.person_label ?? '');
    setNote(person.note ?? '');
  }, [person.re_id, person.person_label, person.note]);
  const save = useMutation({
    mutationFn: (body: Parameters<typeof api.updatePerson>[1]) => api.updatePerson(person.re_id, body),
    onSuccess: (p) => {
      client.setQueryData(['persons', 'detail', p.re_id], p);
      void client.invalidateQueries({ queryKey: ['persons', 'page'] });
    },
  });
  const changed = label.trim() !== (person.person_label ?? '') || note.trim() !== (person.note ?? '');
  return (
    <Stack gap="xs">
      <TextInput
        label={t('persons.label')}
        value={label}
        onChange={(e) => setLabel(e.currentTarget.value)}
        maxLength={128}
        size="xs"
        data-testid="person-label"
      />
      <Textarea
        label={t('persons.note')}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        maxLength={2000}
        autosize
        minRows={2}
        size="xs"
        data-testid="person-note"
      />
      <Group gap="sm">
        <Button
          size="xs"
          disabled={!changed}
          loading={save.isPending}
          onClick={() => save.mutate({ person_label: label.trim() || null, note: note.trim() || null })}
          data-testid="person-save"
        >
          {t('common.save')}
        </Button>
        {isAdmin && (
          <Switch
            size="sm"
            label={t('persons.active')}
            checked={person.status === 'active'}
            onChange={(e) => save.mutate({ status: e.currentTarget.checked ? 'active' : 'inactive' })}
            data-testid="person-status"
          />
        )}
      </Group>
      {save.error && (
        <Alert color="red" variant="light">
          {errorText(save.error, t)}
        </Alert>
      )}
    </Stack>
  );
}

/** The detail panel of `reId`. */
export function PersonDetail({ reId, onClose }: { reId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const fmt = useFormat();
  const zones = useBranchTimeZones();
  const zoneOf = (branchId: number) => zones.get(branchId) ?? DEFAULT_TIME_ZONE;
  const canOperate = useCanOperate();
  const [page, setPage] = useState(1);
  useEffect(() => setPage(1), [reId]);
  const person = useQuery({ queryKey: ['persons', 'detail', reId], queryFn: () => api.person(reId) });
  const journey = useQuery({ queryKey: ['persons', 'journey', reId], queryFn: () => api.personJourney(reId) });
  const history = useQuery({
    queryKey: ['persons', 'detections', reId, page],
    queryFn: () => api.personDetections(reId, { page, per_page: HISTORY_PER_PAGE }),
    placeholderData: keepPreviousData,
  });
  // live while open: a detection of this person refreshes the detail, at most once a second
  useThrottledEvents(
    (e) => e.type === 'detection_update' && e.data.re_id === reId,
    () => {
      void person.refetch();
      void journey.refetch();
      void history.refetch();
    },
    { intervalMs: 1000 },
    reId,
  );

  const p = person.data;
  return (
    <div className="person" data-testid="person-detail" data-re-id={reId}>
      <Group justify="space-between" align="flex-start" mb="xs">
        <div>
          <Title order={2} size="h4" ff="monospace">
            {reId}
          </Title>
          {p?.person_label && <Text size="sm">{p.person_label}</Text>}
        </div>
        <CloseButton onClick={onClose} aria-label={t('common.close')} />
      </Group>
      {person.error && (
        <Alert color="red" variant="light">
          {errorText(person.error, t)}
        </Alert>
      )}
      {!p && !person.error && <Loader size="sm" />}
      {p && (
        <Stack gap="md">
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="xs">
            <Fact label={t('persons.firstSeen')} value={fmt.dateTime(p.first_detected_at)} />
            <Fact label={t('persons.lastSeen')} value={fmt.dateTime(p.last_detected_at)} />
            <Fact label={t('persons.count')} value={fmt.number(p.total_actual_count)} testId="person-total" />
            <Fact label={t('persons.branches')} value={fmt.number(p.total_detection_branch_count)} />
          </SimpleGrid>
          {p.appearance_features && Object.keys(p.appearance_features).length > 0 && (
            <Group gap={6} data-testid="person-appearance">
              <Text size="xs" c="dimmed">
                {t('persons.appearance')}
              </Text>
              {Object.entries(p.appearance_features)
                // scalar features only: an embedding (a long array) is for machines, not for the screen
                .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
                .slice(0, 12)
                .map(([k, v]) => (
                  <Badge key={k} variant="outline" color="gray" size="sm" tt="none">
                    {k.replace(/_/g, ' ')}: {String(v)}
                  </Badge>
                ))}
            </Group>
          )}
          <WatchlistControl key={reId} reId={reId} />
          {p.status === 'inactive' && (
            <Badge color="gray" variant="light">
              {t('persons.statuses.inactive')}
            </Badge>
          )}
          {canOperate ? (
            <PersonEdit person={p} />
          ) : (
            p.note && (
              <Text size="sm" c="dimmed">
                {p.note}
              </Text>
            )
          )}
          <div>
            <Text fw={600} size="sm" mb={4}>
              {t('persons.summary')}
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="xs">
              {p.branches.map((b) => (
                <Card
                  key={b.branch_id}
                  withBorder
                  padding="xs"
                  data-testid="person-branch-card"
                  data-branch-id={b.branch_id}
                  data-count={b.detection_count}
                >
                  <Group justify="space-between" wrap="nowrap">
                    <Text fw={600} size="sm" truncate>
                      {b.branch_name}
                    </Text>
                    <Badge variant="filled" title={t('persons.detectionCount')}>
                      {fmt.number(b.detection_count)}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed">
                    {t('persons.peopleCounted', { n: fmt.number(b.total_detected_count) })}
                  </Text>
                  <Text size="xs">
                    {fmt.dateTime(b.first_detection, zoneOf(b.branch_id))} →{' '}
                    {fmt.dateTime(b.last_detection, zoneOf(b.branch_id))}
                  </Text>
                </Card>
              ))}
            </SimpleGrid>
          </div>
          <div>
            <Text fw={600} size="sm" mb={4}>
              {t('persons.journey')}
            </Text>
            {journey.data && journey.data.visits.length > 0 ? (
              <Timeline bulletSize={14} lineWidth={2} active={journey.data.visits.length - 1}>
                {journey.data.visits.map((v, i) => (
                  <Timeline.Item
                    key={`${v.branch_id}-${v.first_detection}-${i}`}
                    title={v.branch_name}
                    data-testid="journey-visit"
                    data-branch-id={v.branch_id}
                    data-count={v.detection_count}
                  >
                    <Text size="xs">
                      {fmt.dateTime(v.first_detection, zoneOf(v.branch_id))}
                      {v.last_detection !== v.first_detection &&
                        ` – ${fmt.clock(v.last_detection, zoneOf(v.branch_id))}`}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t('persons.visitDetail', { n: v.detection_count, cameras: v.device_ids.join(', ') })}
                    </Text>
                  </Timeline.Item>
                ))}
              </Timeline>
            ) : journey.isPending ? (
              <Loader size="xs" />
            ) : (
              <Text size="sm" c="dimmed">
                {t('persons.noVisits')}
              </Text>
            )}
            {journey.data?.truncated && (
              <Text size="xs" c="dimmed" mt={4}>
                {t('persons.truncated')}
              </Text>
            )}
          </div>
          <div>
            <Text fw={600} size="sm" mb={4}>
              {t('persons.history')}
            </Text>
            <Table striped className="person__history">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>
                    <VisuallyHidden>{t('snapshots.column')}</VisuallyHidden>
                  </Table.Th>
                  <Table.Th>{t('persons.time')}</Table.Th>
                  <Table.Th>{t('persons.branch')}</Table.Th>
                  <Table.Th>{t('persons.camera')}</Table.Th>
                  <Table.Th ta="right">{t('persons.countShort')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(history.data?.items ?? []).map((d) => (
                  <HistoryRow key={d.id} d={d} reId={reId} zone={zoneOf(d.branch_id)} />
                ))}
              </Table.Tbody>
            </Table>
            {(history.data?.meta.total ?? 0) > HISTORY_PER_PAGE && (
              <Pagination
                mt="xs"
                size="sm"
                total={Math.ceil((history.data?.meta.total ?? 0) / HISTORY_PER_PAGE)}
                value={page}
                onChange={setPage}
                data-testid="person-detections-page"
              />
            )}
          </div>
        </Stack>
      )}
    </div>
  );
}

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600}>
        {value}
      </Text>
    </div>
  );
}

function HistoryRow({ d, reId, zone }: { d: PersonDetection; reId: string; zone: string }) {
  const fmt = useFormat();
  return (
    <Table.Tr data-testid="person-detection" data-id={d.id}>
      <Table.Td w={60}>
        {d.has_snapshot && d.event_log_id !== null && (
          <ReadyThumb
            row={{
              id: d.event_log_id,
              device_name: d.device_name ?? d.device_id,
              branch_name: d.branch_name,
              event_timestamp: d.detection_timestamp,
              re_id: reId,
            }}
            timeZone={zone}
          />
        )}
      </Table.Td>
      <Table.Td>{fmt.dateTime(d.detection_timestamp, zone)}</Table.Td>
      <Table.Td>{d.branch_name}</Table.Td>
      <Table.Td>{d.device_name ?? d.device_id}</Table.Td>
      <Table.Td ta="right">{d.detected_count}</Table.Td>
    </Table.Tr>
  );
}
