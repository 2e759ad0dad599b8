/**
 * "Open walls on screens" (DESIGN D3): a button in the wall's toolbar that opens the chosen layout
 * in wall-only windows — in Electron one kiosk window per display (main remembers the choice
 * per display), in a browser one window per screen (Window Management API) or a plain new
 * window. Also closes Electron's walls.
 */
import { useState } from 'react';
import { Button, Menu, Select } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { getBridge } from '../../lib/bridge.js';
import { currentWallParams } from '../../lib/wall-url.js';
import { useLayouts } from '../../data/use-layouts.js';
import { useWallStore } from '../../stores/wall-store.js';
import { openBrowserWalls, type WindowLike } from '../../sync/open-walls.js';

/** The menu button; `wall-windows-menu`, items `walls-open`, `walls-open-window`, `walls-close`, picker `walls-layout`. Hidden in kiosk walls. */
export function WallWindowsMenu() {
  const { t } = useTranslation();
  const bridge = getBridge();
  const shownLayoutId = useWallStore((s) => s.layout?.id ?? null);
  const [opened, setOpened] = useState(false);
  const [chosen, setChosen] = useState<string | null>(null);
  const layouts = useLayouts();
  const options = (layouts.data ?? []).map((l) => ({ value: String(l.id), label: l.layout_name }));
  const layoutId = chosen !== null ? Number(chosen) : shownLayoutId;

  const report = (count: number) =>
    notifications.show({
      color: count > 0 ? 'teal' : 'yellow',
      message: count > 0 ? t('windows.opened', { count }) : t('windows.blocked'),
    });

  const openOnScreens = async () => {
    if (bridge) {
      const list = layouts.data ?? [];
      const placements = await bridge.openWalls({
        layoutIds: list.map((l) => l.id),
        defaultLayoutId: layoutId ?? list.find((l) => l.is_default)?.id ?? null,
        assignments: undefined,
      });
      report(placements.length);
      return;
    }
    report((await openBrowserWalls(window as unknown as WindowLike, layoutId)).length);
  };

  if (currentWallParams().kiosk) return null;
  return (
    <Menu opened={opened} onChange={setOpened} position="bottom-end" withinPortal closeOnItemClick>
      <Menu.Target>
        <Button size="compact-sm" variant="subtle" color="gray" ml="auto" data-testid="wall-windows-menu">
          {t('windows.menu')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Select
          size="xs"
          m={6}
          label={t('windows.layout')}
          data={options}
          value={layoutId === null ? null : String(layoutId)}
          onChange={setChosen}
          comboboxProps={{ withinPortal: false }}
          data-testid="walls-layout"
        />
        <Menu.Item onClick={() => void openOnScreens().catch(() => report(0))} data-testid="walls-open">
          {t('windows.openOnScreens')}
        </Menu.Item>
        {!bridge && (
          <Menu.Item
            onClick={() =>
              void openBrowserWalls({ open: (u, n, f) => window.open(u, n, f) }, layoutId).then((w) => report(w.length))
            }
            data-testid="walls-open-window"
          >
            {t('windows.openWindow')}
          </Menu.Item>
        )}
        {bridge && (
          <Menu.Item onClick={() => void bridge.closeWalls()} data-testid="walls-close">
            {t('windows.closeAll')}
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
