/**
 * Renders the screen for a view. The wall unmounts while an admin screen is open, which stops
 * its players (their bandwidth is not needed); the live feed keeps collecting meanwhile.
 */
import type { View } from '../../stores/nav-store.js';
import { WallView } from '../wall/wall-view.js';
import { GroupsScreen } from '../admin/groups-screen.js';
import { BranchesScreen } from '../admin/branches-screen.js';
import { DevicesScreen } from '../admin/devices-screen.js';
import { StreamsScreen } from '../admin/streams-screen.js';
import { UsersScreen } from '../admin/users-screen.js';
import { AuditScreen } from '../admin/audit-screen.js';
import { LayoutsScreen } from '../layouts/layouts-screen.js';
import { FleetScreen } from '../fleet/fleet-screen.js';
import { CredentialsScreen } from '../credentials/credentials-screen.js';
import { AlarmsScreen } from '../alarms/alarms-screen.js';
import { AlertsScreen } from '../alerts/alerts-screen.js';
import { QueuesScreen } from '../queues/queues-screen.js';
import { DashboardScreen } from '../dashboard/dashboard-screen.js';
import { PersonsScreen } from '../persons/persons-screen.js';
import { ReportsScreen } from '../reports/reports-screen.js';

/** The screen of `view`. */
export function ScreenSwitch({ view }: { view: View }) {
  switch (view) {
    case 'wall':
      return <WallView />;
    case 'dashboard':
      return <DashboardScreen />;
    case 'persons':
      return <PersonsScreen />;
    case 'reports':
      return <ReportsScreen />;
    case 'groups':
      return <GroupsScreen />;
    case 'branches':
      return <BranchesScreen />;
    case 'devices':
      return <DevicesScreen />;
    case 'streams':
      return <StreamsScreen />;
    case 'users':
      return <UsersScreen />;
    case 'audit':
      return <AuditScreen />;
    case 'layouts':
      return <LayoutsScreen />;
    case 'fleet':
      return <FleetScreen />;
    case 'credentials':
      return <CredentialsScreen />;
    case 'alarms':
      return <AlarmsScreen />;
    case 'alerts':
      return <AlertsScreen />;
    case 'queues':
      return <QueuesScreen />;
  }
}
