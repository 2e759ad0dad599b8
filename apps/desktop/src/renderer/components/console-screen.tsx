/**
 * The signed-in console: an app shell with the header, the admin navigation (admins only) and
 * the screen chosen. Owns the live session's lifetime (started on mount, stopped on sign-out
 * or unmount), keeps server data fresh from realtime events, and keeps the signed-in user's
 * record (role, scope) current.
 */
import { useEffect, useState } from 'react';
import { AppShell } from '@mantine/core';
import { useLocalStorage } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { PantauError } from '@pantau/shared';
import { useSessionStore } from '../stores/session-store.js';
import { useConnectionStore } from '../stores/connection-store.js';
import { allowedViews, defaultView, useNavStore } from '../stores/nav-store.js';
import { startLiveSession } from '../session/live-session.js';
import { signOut } from '../session/auth.js';
import { useRealtimeInvalidation } from '../data/use-realtime-invalidation.js';
import { queryKeys } from '../data/query-keys.js';
import { AppHeader } from './shell/app-header.js';
import { NavBar } from './shell/nav-bar.js';
import { ChangePasswordModal } from './shell/change-password-modal.js';
import { ScreenSwitch } from './shell/screen-switch.js';
import { AlarmCenter } from './alarms/alarm-center.js';
import { DeviceAlerts } from './shell/device-alerts.js';
import { QueueAlerts } from './shell/queue-alerts.js';
import { currentWallParams } from '../lib/wall-url.js';

/** Runs the realtime session while the console is shown. */
function useLiveSession(): void {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const api = useSessionStore((s) => s.api);
  const token = useSessionStore((s) => s.token);
  const serverUrl = useSessionStore((s) => s.serverUrl);
  useEffect(() => {
    if (!api || !token) return;
    const session = startLiveSession({
      api,
      serverUrl,
      token,
      onStatus: (status) => useConnectionStore.setState({ status }),
      onAuthFailed: (message) => void signOut(t('signIn.signedOutByServer', { message })),
      // a change made between the first REST reads and the socket's cursor has no event here
      onSynced: () => void queryClient.invalidateQueries(),
    });
    const onOnline = () => session.reconnectNow();
    window.addEventListener('online', onOnline);
    useConnectionStore.setState({ status: 'connecting', reconnectNow: session.reconnectNow });
    return () => {
      window.removeEventListener('online', onOnline);
      session.stop();
      useConnectionStore.setState({ reconnectNow: () => undefined });
    };
    // `t` changes with the language; the session must not restart for that.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, token, serverUrl]);
}

/** Refetches the signed-in user when it changes (`user_updated`) and applies role and scope at once. */
function useCurrentUser(): void {
  const { t } = useTranslation();
  const api = useSessionStore((s) => s.api);
  const { data, error } = useQuery({ queryKey: queryKeys.me(), queryFn: () => api!.me(), enabled: api !== null });
  useEffect(() => {
    if (data) useSessionStore.setState({ user: data });
  }, [data]);
  useEffect(() => {
    if (error instanceof PantauError && error.status === 401) void signOut(t('signIn.sessionEnded'));
  }, [error, t]);
}

/** Header on top, navigation on the left (admins), the chosen screen in the rest. */
export function ConsoleScreen() {
  const queryClient = useQueryClient();
  const user = useSessionStore((s) => s.user);
  const requested = useNavStore((s) => s.view);
  const chosen = useNavStore((s) => s.chosen);
  const go = useNavStore((s) => s.go);
  const [navOpen, setNavOpen] = useLocalStorage({ key: 'pantau.nav-open', defaultValue: true });
  const [passwordOpen, setPasswordOpen] = useState(false);
  useLiveSession();
  useRealtimeInvalidation();
  useCurrentUser();
  // Nothing of one user's server data may be shown to the next one signing in here.
  useEffect(() => () => queryClient.clear(), [queryClient]);

  const views = allowedViews(user);
  // A kiosk wall window (one per display, see sync/open-walls.ts) shows the wall alone.
  const kiosk = currentWallParams().kiosk;
  const view = kiosk ? 'wall' : chosen && views.includes(requested) ? requested : defaultView(user);
  const hasNav = !kiosk && views.length > 1;

  return (
    <AppShell
      header={kiosk ? undefined : { height: 48 }}
      navbar={hasNav ? { width: 190, breakpoint: 0, collapsed: { desktop: !navOpen, mobile: !navOpen } } : undefined}
      padding={0}
      className="console"
    >
      {!kiosk && (
        <AppShell.Header className="console__header">
          <AppHeader
            navOpen={hasNav ? navOpen : undefined}
            onToggleNav={() => setNavOpen((o) => !o)}
            onChangePassword={() => setPasswordOpen(true)}
            onWall={view === 'wall'}
          />
        </AppShell.Header>
      )}
      {hasNav && (
        <AppShell.Navbar className="console__nav">
          <NavBar views={views} active={view} onSelect={go} />
        </AppShell.Navbar>
      )}
      <AppShell.Main className="console__main" data-view={view} data-kiosk={kiosk || undefined}>
        <ScreenSwitch view={view} />
      </AppShell.Main>
      <ChangePasswordModal opened={passwordOpen} onClose={() => setPasswordOpen(false)} />
      <AlarmCenter />
      <DeviceAlerts />
      <QueueAlerts />
    </AppShell>
  );
}
