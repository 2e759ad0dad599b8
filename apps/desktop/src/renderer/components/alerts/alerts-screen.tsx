/**
 * WhatsApp alerts (admins): pick a branch of your scope, edit its branch-wide alert setting and
 * its camera overrides (cameras with a setting of their own), see its recent deliveries live;
 * admins of every branch also set up the provider and send a test.
 *
 * Test hooks: `alerts-screen`, `alerts-branch`; the form's and the overrides' own (see
 * alert-setting-form.tsx, alert-overrides.tsx).
 */
import { useState } from 'react';
import { Grid, Loader, Select, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../data/use-api.js';
import { useBranchOptions } from '../../data/use-options.js';
import { useSessionStore } from '../../stores/session-store.js';
import { AlertOverrides } from './alert-overrides.js';
import { AlertSettingForm } from './alert-setting-form.js';
import { DeliveriesTable } from './deliveries-table.js';
import { ProviderForm } from './provider-form.js';

/** The alerts screen. */
export function AlertsScreen() {
  const { t } = useTranslation();
  const api = useApi();
  const user = useSessionStore((s) => s.user);
  const branches = useBranchOptions();
  const [picked, setPicked] = useState<number | null>(null);
  const branchId = picked ?? branches.rows[0]?.id ?? null;
  const branch = branchId === null ? undefined : branches.byId.get(branchId);
  const settings = useQuery({
    queryKey: ['alerts', 'settings', branchId],
    queryFn: () => api.listAlertSettings({ branch_id: branchId! }),
    enabled: branchId !== null,
  });
  const setting = settings.data?.find((s) => s.device_id === null) ?? null;
  return (
    <Stack gap="md" p="md" data-testid="alerts-screen">
      <Title order={1} size="h3">
        {t('alerts.title')}
      </Title>
      <Select
        label={t('alerts.branch')}
        data={branches.options}
        value={branchId === null ? null : String(branchId)}
        onChange={(v) => v && setPicked(Number(v))}
        searchable
        allowDeselect={false}
        maw={360}
        data-testid="alerts-branch"
      />
      <Grid>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          {branch && settings.data ? (
            <Stack gap="lg">
              <Stack gap="xs">
                <Title order={2} size="h5">
                  {t('alerts.branchWide')}
                </Title>
                <AlertSettingForm
                  key={`${branch.id}-${setting?.updated_at ?? 'new'}`}
                  branch={branch}
                  setting={setting}
                />
              </Stack>
              <AlertOverrides key={branch.id} branch={branch} settings={settings.data} />
            </Stack>
          ) : (
            branchId !== null && <Loader size="sm" />
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>{user?.scope_all && <ProviderForm />}</Grid.Col>
      </Grid>
      <DeliveriesTable filter={branchId === null ? {} : { branch_id: branchId }} timeZone={branch?.timezone} />
    </Stack>
  );
}
