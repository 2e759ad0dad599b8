/**
 * Admin: devices with their branch, NVR parent, cameras under each NVR, status and last
 * heartbeat (in the branch's time zone); filter by branch, type and status.
 */
import { useState } from 'react';
import { Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DeviceStatus, DeviceType, type Device } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { useBranchOptions } from '../../data/use-options.js';
import { queryKeys } from '../../data/query-keys.js';
import { useFormat } from '../../i18n/use-format.js';
import { AdminList, RowActions, type Column } from './admin-list.js';
import { useListState } from './use-list-state.js';
import { StatusBadge } from './status-badge.js';
import { confirmDelete } from './confirm-delete.js';
import { reportDeleteFailure } from './delete-blocked.js';
import { DeviceForm } from './device-form.js';

type Filters = {
  branch_id?: number | undefined;
  device_type?: Device['device_type'] | undefined;
  status?: Device['status'] | undefined;
};

/** The devices screen. */
export function DevicesScreen() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const api = useApi();
  const invalidate = useInvalidate();
  const branches = useBranchOptions();
  const list = useListState<Filters>({});
  const query = useQuery({
    queryKey: queryKeys.page('devices', list.params),
    queryFn: () => api.devicesPage(list.params),
    placeholderData: keepPreviousData,
  });
  const [editing, setEditing] = useState<Device | 'new' | null>(null);

  const remove = (d: Device) =>
    confirmDelete(t, d.device_name, () => {
      api
        .deleteDevice(d.id)
        .then(() => {
          notifications.show({ color: 'teal', message: t('common.deletedName', { name: d.device_name }) });
          invalidate('devices', 'streams', 'branches', 'camera-tree');
        })
        .catch((err: unknown) => reportDeleteFailure(t, d.device_name, err, t('devices.deleteBlocked')));
    });

  const columns: Column<Device>[] = [
    {
      key: 'id',
      header: t('devices.device_id'),
      render: (d) => (
        <Text ff="monospace" size="sm">
          {d.device_id}
        </Text>
      ),
      width: '150px',
    },
    {
      key: 'name',
      header: t('devices.device_name'),
      render: (d) => (
        <Text fw={500} size="sm">
          {d.device_name}
        </Text>
      ),
    },
    { key: 'type', header: t('devices.device_type'), render: (d) => t(`deviceType.${d.device_type}`), width: '90px' },
    {
      key: 'branch',
      header: t('devices.branch'),
      render: (d) => branches.byId.get(d.branch_id)?.branch_name ?? `#${d.branch_id}`,
    },
    {
      key: 'parent',
      header: t('devices.parentShort'),
      render: (d) =>
        d.device_type === 'nvr' ? t('devices.children', { n: fmt.number(d.child_count) }) : (d.parent_device_id ?? '—'),
    },
    {
      key: 'status',
      header: t('fields.status'),
      render: (d) => <StatusBadge kind="deviceStatus" value={d.status} />,
      width: '110px',
    },
    {
      key: 'seen',
      header: t('devices.last_seen_at'),
      render: (d) => (
        <Text size="sm" c="dimmed">
          {fmt.dateTime(d.last_seen_at, branches.byId.get(d.branch_id)?.timezone)}
        </Text>
      ),
      width: '190px',
    },
  ];

  const typeOptions = DeviceType.options.map((v) => ({ value: v, label: t(`deviceType.${v}`) }));
  const statusOptions = DeviceStatus.options.map((v) => ({
    value: v,
    label: t(`deviceStatus.${v}`),
  }));
  return (
    <>
      <AdminList
        entity="devices"
        title={t('nav.devices')}
        columns={columns}
        query={query}
        list={list}
        rowKey={(d) => d.id}
        createLabel={t('devices.new')}
        onCreate={() => setEditing('new')}
        searchPlaceholder={t('devices.search')}
        filters={
          <>
            <Select
              placeholder={t('devices.allBranches')}
              clearable
              searchable
              w={240}
              data={branches.options}
              value={list.filters.branch_id ? String(list.filters.branch_id) : null}
              onChange={(v) => list.setFilter('branch_id', v ? Number(v) : undefined)}
              data-testid="filter-branch"
            />
            <Select
              placeholder={t('devices.allTypes')}
              clearable
              w={150}
              data={typeOptions}
              value={list.filters.device_type ?? null}
              onChange={(v) => list.setFilter('device_type', (v ?? undefined) as Filters['device_type'])}
              data-testid="filter-type"
            />
            <Select
              placeholder={t('fields.status')}
              clearable
              w={160}
              data={statusOptions}
              value={list.filters.status ?? null}
              onChange={(v) => list.setFilter('status', (v ?? undefined) as Filters['status'])}
              data-testid="filter-status"
            />
          </>
        }
        actions={(d) => <RowActions onEdit={() => setEditing(d)} onDelete={() => remove(d)} />}
      />
      {editing !== null && (
        <DeviceForm
          key={editing === 'new' ? 'new' : editing.id}
          device={editing === 'new' ? undefined : editing}
          branchId={list.filters.branch_id}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
