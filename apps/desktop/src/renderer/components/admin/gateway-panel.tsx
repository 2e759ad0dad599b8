/**
 * The stream gateway on the streams screen (issue 15): what it carries now — per stream and
 * quality its delivery (the camera's own video, or the H.264 transcode for consoles that cannot
 * decode it), codec, encoder, viewers, bitrate and the CPU share of its ffmpeg, refreshed every
 * 5 s — and the transcode settings: the most transcodes at once and the encoder (an admin of every
 * branch changes them; other admins read them).
 *
 * Test hooks: `gateway-panel`, `gateway-row` (`data-stream-id`, `data-quality`, `data-delivery`),
 * `gateway-max-transcodes`, `gateway-encoder`, `gateway-save`, `gateway-transcodes`.
 */
import { useEffect, useState } from 'react';
import { Button, Group, NumberInput, Paper, Select, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { GatewayEncoderSetting, type Stream } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useSessionStore } from '../../stores/session-store.js';
import { errorText } from '../../lib/error-text.js';
import { codecLabel } from '../../video/codec-support.js';
import { bitrateLabel } from '../common/stream-media.js';

const REFRESH_MS = 5000;

/** The panel; `streams` names the rows (the page shown, or nothing). */
export function GatewayPanel({ streams }: { streams: readonly Stream[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const canEdit = useSessionStore((s) => s.user?.scope_all === true && s.user.role === 'admin');
  const carried = useQuery({
    queryKey: ['gateway', 'streams'],
    queryFn: () => api.gatewayStreams(),
    refetchInterval: REFRESH_MS,
  });
  const settings = useQuery({ queryKey: ['gateway', 'settings'], queryFn: () => api.gatewaySettings() });
  const [max, setMax] = useState<number | string>('');
  const [encoder, setEncoder] = useState<string | null>(null);
  useEffect(() => {
    if (settings.data) {
      setMax(settings.data.max_transcodes);
      setEncoder(settings.data.encoder);
    }
  }, [settings.data]);
  const names = new Map(streams.map((s) => [s.id, s.stream_name]));

  const save = async () => {
    try {
      const next = await api.updateGatewaySettings({
        ...(typeof max === 'number' ? { max_transcodes: max } : {}),
        ...(encoder ? { encoder: encoder as GatewayEncoderSetting } : {}),
      });
      queryClient.setQueryData(['gateway', 'settings'], next);
      notifications.show({ color: 'teal', message: t('gateway.saved') });
    } catch (err) {
      notifications.show({ color: 'red', message: errorText(err, t) });
    }
  };

  const rows = carried.data ?? [];
  return (
    <Paper withBorder p="sm" mb="md" data-testid="gateway-panel">
      <Group justify="space-between" align="flex-end" mb="xs">
        <div>
          <Text fw={600} size="sm">
            {t('gateway.title')}
          </Text>
          <Text size="xs" c="dimmed" data-testid="gateway-transcodes">
            {t('gateway.transcodes', {
              running: settings.data?.transcodes_running ?? rows.filter((r) => r.delivery === 'transcode').length,
              max: settings.data?.max_transcodes ?? '–',
              encoder: settings.data?.encoder_in_use ?? '–',
            })}
          </Text>
        </div>
        <Group gap="xs" align="flex-end">
          <NumberInput
            size="xs"
            w={130}
            label={t('gateway.maxTranscodes')}
            min={0}
            max={64}
            allowDecimal={false}
            value={max}
            onChange={setMax}
            disabled={!canEdit}
            data-testid="gateway-max-transcodes"
          />
          <Select
            size="xs"
            w={150}
            label={t('gateway.encoder')}
            data={GatewayEncoderSetting.options.map((v) => ({ value: v, label: v === 'auto' ? t('gateway.auto') : v }))}
            value={encoder}
            onChange={setEncoder}
            allowDeselect={false}
            disabled={!canEdit}
            data-testid="gateway-encoder"
          />
          {canEdit && (
            <Button size="xs" onClick={() => void save()} data-testid="gateway-save">
              {t('common.save')}
            </Button>
          )}
        </Group>
      </Group>
      {rows.length === 0 ? (
        <Text size="xs" c="dimmed">
          {t('gateway.idle')}
        </Text>
      ) : (
        <Table striped withTableBorder={false} verticalSpacing={4} fz="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('streams.stream_name')}</Table.Th>
              <Table.Th>{t('gateway.quality')}</Table.Th>
              <Table.Th>{t('gateway.delivery')}</Table.Th>
              <Table.Th>{t('gateway.viewers')}</Table.Th>
              <Table.Th>{t('gateway.bitrate')}</Table.Th>
              <Table.Th>{t('gateway.cpu')}</Table.Th>
              <Table.Th>{t('fields.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr
                key={`${r.stream_id}/${r.quality}/${r.delivery}/${r.audio ?? ''}`}
                data-testid="gateway-row"
                data-stream-id={r.stream_id}
                data-quality={r.quality}
                data-delivery={r.delivery}
              >
                <Table.Td>{names.get(r.stream_id) ?? `#${r.stream_id}`}</Table.Td>
                <Table.Td>{t(`streams.quality.${r.quality}`)}</Table.Td>
                <Table.Td>
                  {r.delivery === 'transcode'
                    ? `${t('gateway.transcoded', { encoder: r.encoder ?? '' })}${r.output_height ? ` · ${r.output_height}p` : ''}`
                    : t('gateway.copied', { codec: codecLabel(r.codec) })}
                  {r.audio ? ` · ${t('gateway.audio')}` : ''}
                </Table.Td>
                <Table.Td>{r.viewers}</Table.Td>
                <Table.Td>{bitrateLabel(r.bitrate_bps)}</Table.Td>
                <Table.Td>{`${r.cpu_percent.toFixed(1)} %`}</Table.Td>
                <Table.Td>{r.problem ? t(`tile.problem.${r.problem}.title`) : r.state}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
