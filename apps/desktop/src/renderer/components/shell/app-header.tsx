/**
 * The console's header: navigation toggle (admins), brand, layout name, connection light,
 * language switch, the user's menu (change password) and sign-out.
 */
import { Burger, Button, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSessionStore } from '../../stores/session-store.js';
import { useWallStore } from '../../stores/wall-store.js';
import { signOut } from '../../session/auth.js';
import { ConnectionIndicator } from './connection-indicator.js';
import { HealthIndicator } from './health-indicator.js';
import { LanguageSwitch } from './language-switch.js';

/** Props of the header. */
export interface AppHeaderProps {
  /** Whether the navigation is shown; undefined when the user has no navigation (not an admin). */
  navOpen?: boolean | undefined;
  onToggleNav?: () => void;
  onChangePassword: () => void;
  /** True while the wall is the screen shown (the layout name is shown then). */
  onWall: boolean;
}

/** Header bar, 48 px. */
export function AppHeader({ navOpen, onToggleNav, onChangePassword, onWall }: AppHeaderProps) {
  const { t } = useTranslation();
  const user = useSessionStore((s) => s.user);
  const layoutName = useWallStore((s) => s.layout?.layout_name ?? null);
  return (
    <Group className="app-header" justify="space-between" wrap="nowrap" px="md" h="100%">
      <Group gap="md" wrap="nowrap">
        {navOpen !== undefined && (
          <Burger
            opened={navOpen}
            onClick={onToggleNav}
            size="sm"
            aria-label={t('header.toggleNav')}
            data-testid="nav-toggle"
          />
        )}
        <Text className="brand-mark" fw={700}>
          PANTAU
        </Text>
        {onWall && layoutName && (
          <Text size="sm" c="dimmed" data-testid="layout-name" truncate maw={260}>
            {layoutName}
          </Text>
        )}
      </Group>
      <Group gap="md" wrap="nowrap">
        {user && <HealthIndicator />}
        <ConnectionIndicator />
        <LanguageSwitch />
        {user && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <UnstyledButton className="user-button" data-testid="user-menu">
                <Text size="sm" c="dimmed" data-testid="user-name" truncate maw={240}>
                  {user.name} · {t(`roles.${user.role}`)}
                </Text>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{user.email}</Menu.Label>
              <Menu.Item onClick={onChangePassword} data-testid="change-password-open">
                {t('password.title')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
        <Button size="compact-sm" variant="subtle" color="gray" onClick={() => void signOut()} data-testid="sign-out">
          {t('header.signOut')}
        </Button>
      </Group>
    </Group>
  );
}
