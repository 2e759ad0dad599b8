/**
 * The alarms view (`#/alarms`): the alarm list for everyone (acting on it for operators and
 * admins), the alarm rules and arming of each branch (written by admins, issue 14), the
 * acknowledgement service level, and, for admins, the per-branch escalation settings.
 *
 * Test hooks: `alarms-screen`, `alarms-tab-list|rules|service-level|escalation`.
 */
import { Tabs, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSessionStore } from '../../stores/session-store.js';
import { AlarmList } from './alarm-list.js';
import { EscalationSettings } from './escalation-settings.js';
import { AlarmRulesPanel } from './alarm-rules-panel.js';
import { ServiceLevelPanel } from './service-level-panel.js';
import './alarms.css';

/** List | rules | service level | escalation settings (admins). */
export function AlarmsScreen() {
  const { t } = useTranslation();
  const isAdmin = useSessionStore((s) => s.user?.role === 'admin');
  return (
    <div className="alarms-screen" data-testid="alarms-screen">
      <Title order={1} size="h3" mb="sm">
        {t('alarms.title')}
      </Title>
      <Tabs defaultValue="list" keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="list" data-testid="alarms-tab-list">
            {t('alarms.listTab')}
          </Tabs.Tab>
          <Tabs.Tab value="rules" data-testid="alarms-tab-rules">
            {t('rules.title')}
          </Tabs.Tab>
          <Tabs.Tab value="service-level" data-testid="alarms-tab-service-level">
            {t('sla.title')}
          </Tabs.Tab>
          {isAdmin && (
            <Tabs.Tab value="escalation" data-testid="alarms-tab-escalation">
              {t('alarms.escalation.title')}
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="list">
          <AlarmList />
        </Tabs.Panel>
        <Tabs.Panel value="rules">
          <AlarmRulesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="service-level">
          <ServiceLevelPanel />
        </Tabs.Panel>
        {isAdmin && (
          <Tabs.Panel value="escalation">
            <EscalationSettings />
          </Tabs.Panel>
        )}
      </Tabs>
    </div>
  );
}
