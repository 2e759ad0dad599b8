/**
 * The admin navigation: the wall and the admin screens the user may open.
 * Test hooks: `nav` (the bar), `nav-<view>` (`aria-current="page"` on the open one).
 */
import { NavLink, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { View } from '../../stores/nav-store.js';

/** Props of the navigation bar. */
export interface NavBarProps {
  views: readonly View[];
  active: View;
  onSelect: (view: View) => void;
}

/** A vertical list of links. */
export function NavBar({ views, active, onSelect }: NavBarProps) {
  const { t } = useTranslation();
  return (
    <Stack gap={2} p="xs" data-testid="nav">
      {views.map((view) => (
        <NavLink
          key={view}
          component="button"
          label={t(`nav.${view}`)}
          active={view === active}
          onClick={() => onSelect(view)}
          data-testid={`nav-${view}`}
          aria-current={view === active ? 'page' : undefined}
          className="nav-link"
        />
      ))}
    </Stack>
  );
}
