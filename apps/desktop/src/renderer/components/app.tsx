/**
 * Top-level switch: restores a stored session once, then shows the first-run setup, the
 * sign-in screen or the console (after the local cache is restored); shares the wall's state
 * with the console's other windows while signed in.
 */
import { useEffect } from 'react';
import { Center, Loader } from '@mantine/core';
import { useSessionStore } from '../stores/session-store.js';
import { restoreSession } from '../session/auth.js';
import { useConsoleCache } from '../data/persist-hook.js';
import { useWallSync } from '../sync/use-wall-sync.js';
import { SignInScreen } from './sign-in-screen.js';
import { ConsoleScreen } from './console-screen.js';
import { SetupScreen } from './setup-screen.js';

/** The whole renderer. */
export function App() {
  const phase = useSessionStore((s) => s.phase);
  const cacheReady = useConsoleCache(phase === 'signed-in');
  useWallSync(phase === 'signed-in');

  useEffect(() => {
    if (useSessionStore.getState().phase === 'starting') {
      restoreSession().catch((err: unknown) =>
        useSessionStore.setState({ phase: 'signed-out', error: err instanceof Error ? err.message : String(err) }),
      );
    }
  }, []);

  // Signed in: wait for the local cache (bounded) so the wall appears with its last known state.
  if (phase === 'starting' || (phase === 'signed-in' && !cacheReady)) {
    return (
      <Center h="100vh" data-testid="app-starting">
        <Loader color="cyan" type="dots" />
      </Center>
    );
  }
  if (phase === 'setup') return <SetupScreen />;
  return phase === 'signed-in' ? <ConsoleScreen /> : <SignInScreen />;
}
