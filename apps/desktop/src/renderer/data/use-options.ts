/**
 * Picker lists (first 500 of each, enough for a province's sites) for selects and for naming
 * foreign keys in tables: groups, branches (optionally of one group), devices of a branch
 * (optionally of one type), users. Cached under `[root, 'options', filters]`, so realtime
 * invalidation refreshes them with their lists.
 */
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Branch, Device, Group, User } from '@pantau/shared';
import { useApi } from './use-api.js';
import { queryKeys } from './query-keys.js';

/** A Mantine select option. */
export interface Option {
  value: string;
  label: string;
}

/** Rows with their options and an id → row map. */
export interface Options<T> {
  rows: T[];
  options: Option[];
  byId: Map<number, T>;
  isPending: boolean;
}

function build<T extends { id: number }>(rows: T[] | undefined, label: (r: T) => string, isPending: boolean): Options<T> {
  const list = rows ?? [];
  return { rows: list, options: list.map((r) => ({ value: String(r.id), label: label(r) })), byId: new Map(list.map((r) => [r.id, r])), isPending };
}

/** Every group. */
export function useGroupOptions(): Options<Group> {
  const api = useApi();
  const q = useQuery({ queryKey: queryKeys.options('groups'), queryFn: () => api.groupsPage({ per_page: 500 }).then((p) => p.items) });
  return useMemo(() => build(q.data, (g) => `${g.group_name} (${g.province_code})`, q.isPending), [q.data, q.isPending]);
}

/** Every branch, or those of one group. */
export function useBranchOptions(groupId?: number | null): Options<Branch> {
  const api = useApi();
  const filter = groupId ? { group_id: groupId } : {};
  const q = useQuery({ queryKey: queryKeys.options('branches', filter), queryFn: () => api.branchesPage({ per_page: 500, ...filter }).then((p) => p.items) });
  return useMemo(() => build(q.data, (b) => `${b.branch_name} (${b.branch_code})`, q.isPending), [q.data, q.isPending]);
}

/** Devices of a branch (none until a branch is chosen), optionally of one type; option values are the devices' own ids. */
export function useDeviceOptions(branchId: number | null, deviceType?: Device['device_type']): Options<Device> & { byDeviceId: Map<string, Device> } {
  const api = useApi();
  const filter = { branch_id: branchId ?? 0, ...(deviceType ? { device_type: deviceType } : {}) };
  const q = useQuery({
    queryKey: queryKeys.options('devices', filter),
    queryFn: () => api.devicesPage({ per_page: 500, ...filter, branch_id: branchId ?? undefined }).then((p) => p.items),
    enabled: branchId !== null,
  });
  return useMemo(() => {
    const rows = q.data ?? [];
    return {
      rows,
      options: rows.map((d) => ({ value: d.device_id, label: `${d.device_name} (${d.device_id})` })),
      byId: new Map(rows.map((d) => [d.id, d])),
      byDeviceId: new Map(rows.map((d) => [d.device_id, d])),
      isPending: q.isPending && branchId !== null,
    };
  }, [q.data, q.isPending, branchId]);
}

/** Every user (admins with scope "all" only; others get an empty list). */
export function useUserOptions(enabled: boolean): Options<User> {
  const api = useApi();
  const q = useQuery({ queryKey: queryKeys.options('users'), queryFn: () => api.usersPage({ per_page: 500 }).then((p) => p.items), enabled });
  return useMemo(() => build(q.data, (u) => `${u.name} <${u.email}>`, q.isPending && enabled), [q.data, q.isPending, enabled]);
}
