/**
 * Create or edit a camera stream: main URL, optional substream URL, credentials — typed, or
 * filled from the camera's ONVIF media profiles (onvif-fill.tsx). Credentials
 * are write-only — the server never returns them (only whether a password is set): a blank
 * field keeps what is stored, "clear password" removes it.
 */
import { Button, Group as Row, NumberInput, PasswordInput, Select, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { Stream } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { useBranchOptions, useDeviceOptions } from '../../data/use-options.js';
import { StreamMediaLines, StreamProblemBadge } from '../common/stream-media.js';
import { OnvifFillSection } from './onvif-fill.js';
import { FormDrawer, useSaveHandler } from './form-drawer.js';
import { streamCreateBody, streamUpdateBody, streamValues, type StreamValues } from './form-values.js';

const FIELDS = [
  'branch_id',
  'device_id',
  'stream_name',
  'protocol',
  'main_url',
  'sub_url',
  'username',
  'password',
  'resolution',
  'fps',
  'transport',
] as const;

/** Props: `stream` to edit, or none for a new one. */
export interface StreamFormProps {
  stream?: Stream | undefined;
  branchId?: number | undefined;
  onClose: () => void;
}

/** The stream drawer. */
export function StreamForm({ stream, branchId, onClose }: StreamFormProps) {
  const { t } = useTranslation();
  const api = useApi();
  const invalidate = useInvalidate();
  const branches = useBranchOptions();
  const form = useForm<StreamValues>({
    initialValues: streamValues(stream, branchId),
    onValuesChange: (next, prev) => {
      if (next.branch_id !== prev.branch_id && next.device_id !== null) form.setFieldValue('device_id', null);
    },
  });
  const cameras = useDeviceOptions(form.values.branch_id ? Number(form.values.branch_id) : null, 'camera');
  const { general, run } = useSaveHandler(FIELDS);
  const submit = form.onSubmit((v) =>
    run(
      async () => {
        if (stream) await api.updateStream(stream.id, streamUpdateBody(v, stream));
        else await api.createStream(streamCreateBody(v));
        invalidate('streams', 'camera-tree');
      },
      form.setErrors,
      t(stream ? 'common.savedName' : 'common.createdName', { name: v.stream_name }),
      onClose,
    ),
  );
  const editing = stream !== undefined;
  const cleared = form.values.clear_password;
  return (
    <FormDrawer
      entity="stream"
      mode={editing ? 'edit' : 'create'}
      opened
      onClose={onClose}
      title={editing ? t('streams.edit') : t('streams.new')}
      onSubmit={submit}
      submitting={form.submitting}
      general={general}
    >
      <Select
        label={t('streams.branch')}
        data={branches.options}
        searchable
        withAsterisk
        disabled={editing}
        nothingFoundMessage={t('list.noMatch')}
        data-testid="field-branch_id"
        {...form.getInputProps('branch_id')}
      />
      <Select
        label={t('streams.camera')}
        data={cameras.options}
        searchable
        withAsterisk
        disabled={editing || !form.values.branch_id}
        placeholder={form.values.branch_id ? undefined : t('devices.pickBranchFirst')}
        nothingFoundMessage={t('list.noMatch')}
        data-testid="field-device_id"
        {...form.getInputProps('device_id')}
      />
      <TextInput
        label={t('streams.stream_name')}
        withAsterisk
        data-testid="field-stream_name"
        {...form.getInputProps('stream_name')}
      />
      <Select
        label={t('streams.protocol')}
        data={['rtsp', 'hls', 'mpegts', 'flv'].map((p) => ({ value: p, label: p.toUpperCase() }))}
        allowDeselect={false}
        data-testid="field-protocol"
        {...form.getInputProps('protocol')}
      />
      {form.values.protocol === 'rtsp' && (
        <Select
          label={t('streams.transport')}
          description={t('streams.transportHint')}
          data={[
            { value: 'tcp', label: 'TCP' },
            { value: 'udp', label: 'UDP' },
          ]}
          allowDeselect={false}
          data-testid="field-transport"
          {...form.getInputProps('transport')}
        />
      )}
      {stream && (stream.media.main || stream.problem) && (
        <div data-testid="stream-form-media">
          <Text size="sm" fw={500}>
            {t('streams.media')}
          </Text>
          <StreamProblemBadge problem={stream.problem} />
          <StreamMediaLines stream={stream} />
        </div>
      )}
      {form.values.protocol === 'rtsp' && (
        <OnvifFillSection
          onFill={(v) =>
            form.setValues({
              main_url: v.main_url,
              sub_url: v.sub_url,
              ...(v.username ? { username: v.username } : {}),
              ...(v.password ? { password: v.password, clear_password: false } : {}),
              resolution: v.resolution,
              fps: v.fps,
            })
          }
        />
      )}
      <TextInput
        label={t('streams.main_url')}
        placeholder="rtsp://10.0.0.21:554/Streaming/Channels/101"
        withAsterisk
        data-testid="field-main_url"
        {...form.getInputProps('main_url')}
      />
      <TextInput
        label={t('streams.sub_url')}
        description={t('streams.subHint')}
        placeholder="rtsp://10.0.0.21:554/Streaming/Channels/102"
        data-testid="field-sub_url"
        {...form.getInputProps('sub_url')}
      />
      <TextInput
        label={t('streams.username')}
        placeholder={editing ? t('common.unchanged') : undefined}
        autoComplete="off"
        data-testid="field-username"
        {...form.getInputProps('username')}
      />
      <PasswordInput
        label={t('streams.password')}
        description={
          editing
            ? stream.has_credentials
              ? t('streams.passwordSet')
              : t('streams.passwordNone')
            : t('streams.passwordHint')
        }
        placeholder={editing ? (cleared ? t('streams.willClear') : t('common.unchanged')) : undefined}
        autoComplete="new-password"
        disabled={cleared}
        data-testid="field-password"
        {...form.getInputProps('password')}
      />
      {editing && stream.has_credentials && (
        <Row justify="space-between" wrap="nowrap">
          <Text size="xs" c="dimmed">
            {cleared ? t('streams.willClearHint') : t('streams.clearHint')}
          </Text>
          <Button
            size="compact-xs"
            variant="subtle"
            color={cleared ? 'gray' : 'red'}
            onClick={() => {
              form.setFieldValue('clear_password', !cleared);
              form.setFieldValue('password', '');
            }}
            data-testid="clear-password"
          >
            {cleared ? t('streams.keepPassword') : t('streams.clearPassword')}
          </Button>
        </Row>
      )}
      <Row grow gap="sm">
        <TextInput
          label={t('streams.resolution')}
          placeholder="1920x1080"
          data-testid="field-resolution"
          {...form.getInputProps('resolution')}
        />
        <NumberInput
          label={t('streams.fps')}
          min={1}
          max={240}
          allowDecimal={false}
          hideControls
          data-testid="field-fps"
          {...form.getInputProps('fps')}
        />
      </Row>
    </FormDrawer>
  );
}
