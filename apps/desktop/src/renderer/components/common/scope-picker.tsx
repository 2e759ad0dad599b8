/**
 * The province (group) and branch pickers of the screens that show figures for a scope (the
 * dashboard, the reports): picking a province narrows the branches offered and clears the
 * branch; clearing both means everything in the user's scope.
 *
 * Test hooks: `<testIdPrefix>-group`, `<testIdPrefix>-branch`.
 */
import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useBranchOptions, useGroupOptions } from '../../data/use-options.js';

/** A scope: a group, a branch (of that group when both are set), or neither. */
export interface Scope {
  groupId: number | null;
  branchId: number | null;
}

/** Props: the scope shown, what to do when it changes, and the test-id prefix. */
export interface ScopePickerProps extends Scope {
  onChange: (scope: Scope) => void;
  testIdPrefix: string;
}

/** Two searchable selects, province then branch. */
export function ScopePicker({ groupId, branchId, onChange, testIdPrefix }: ScopePickerProps) {
  const { t } = useTranslation();
  const groups = useGroupOptions();
  const branches = useBranchOptions(groupId);
  return (
    <>
      <Select
        label={t('dashboard.group')}
        placeholder={t('dashboard.allGroups')}
        data={groups.options}
        value={groupId ? String(groupId) : null}
        onChange={(v) => onChange({ groupId: v ? Number(v) : null, branchId: null })}
        clearable
        searchable
        size="xs"
        w={200}
        data-testid={`${testIdPrefix}-group`}
      />
      <Select
        label={t('dashboard.branch')}
        placeholder={t('dashboard.allBranches')}
        data={branches.options}
        value={branchId ? String(branchId) : null}
        onChange={(v) => onChange({ groupId, branchId: v ? Number(v) : null })}
        clearable
        searchable
        size="xs"
        w={220}
        data-testid={`${testIdPrefix}-branch`}
      />
    </>
  );
}
