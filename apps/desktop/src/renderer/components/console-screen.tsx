/**
 * The signed-in console: header, video wall and live event feed. Owns the live session's
 * lifetime (started on mount, stopped on sign-out or unmount).
 */
import { useEffect } from 'react';
import { useSessionStore } from '../stores/session-store.js';
import { useConnectionStore } from '../stores/connection-store.js';
import { startLiveSession } from '../session/live-session.js';
import { signOut } from '../session/auth.js';
import { AppHeader } from './app-header.js';
import { VideoWall } from './video-wall.js';
import { EventFeed } from './event-feed.js';

/** Header on top, wall on the left, feed on the right. */
export function ConsoleScreen() {
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
      onAuthFailed: (message) => void signOut(`Signed out by the server: ${message}`),
    });
    const onOnline = () => session.reconnectNow();
    window.addEventListener('online', onOnline);
    useConnectionStore.setState({ status: 'connecting', reconnectNow: session.reconnectNow });
    return () => {
      window.removeEventListener('online', onOnline);
      session.stop();
      useConnectionStore.setState({ reconnectNow: () => undefined });
    };
  }, [api, token, serverUrl]);

  return (
    <div className="console">
      <AppHeader />
      <main className="console__body">
        <VideoWall />
        <EventFeed />
      </main>
    </div>
  );
}
