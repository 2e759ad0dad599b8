/**
 * The console's header: brand, layout name, connection light, user and sign-out.
 */
import { Button, Group, Text } from '@mantine/core';
import { useSessionStore } from '../stores/session-store.js';
import { useWallStore } from '../stores/wall-store.js';
import { signOut } from '../session/auth.js';
import { ConnectionIndicator } from './connection-indicator.js';

/** Header bar, 48 px. */
export function AppHeader() {
  const user = useSessionStore((s) => s.user);
  const layoutName = useWallStore((s) => s.layout?.layout_name ?? null);
  return (
    <Group className="app-header" justify="space-between" wrap="nowrap" px="md">
      <Group gap="md" wrap="nowrap">
        <Text className="brand-mark" fw={700}>
          PANTAU
        </Text>
        {layoutName && (
          <Text size="sm" c="dimmed" data-testid="layout-name">
            {layoutName}
          </Text>
        )}
      </Group>
      <Group gap="md" wrap="nowrap">
        <ConnectionIndicator />
        {user && (
          <Text size="sm" c="dimmed" data-testid="user-name">
            {user.name} · {user.role}
          </Text>
        )}
        <Button size="compact-sm" variant="subtle" color="gray" onClick={() => void signOut()} data-testid="sign-out">
          Sign out
        </Button>
      </Group>
    </Group>
  );
}
