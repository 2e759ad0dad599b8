/**
 * Top-level switch: restores a stored session once, then shows the first-run setup, the
 * sign-in screen or the console.
 */
import { useEffect } from 'react';
import { Center, Loader } from '@mantine/core';
import { useSessionStore } from '../stores/session-store.js';
import { restoreSession } from '../session/auth.js';
import { SignInScreen } from './sign-in-screen.js';
import { ConsoleScreen } from './console-screen.js';
import { SetupScreen } from './setup-screen.js';

/** The whole renderer. */
export function App() {
  const phase = useSessionStore((s) => s.phase);

  useEffect(() => {
    if (useSessionStore.getState().phase === 'starting') {
      restoreSession().catch((err: unknown) =>
        useSessionStore.setState({ phase: 'signed-out', error: err instanceof Error ? err.message : String(err) }),
      );
    }
  }, []);

  if (phase === 'starting') {
    return (
      <Center h="100vh" data-testid="app-starting">
        <Loader color="cyan" type="dots" />
      </Center>
    );
  }
  if (phase === 'setup') return <SetupScreen />;
  return phase === 'signed-in' ? <ConsoleScreen /> : <SignInScreen />;
}
