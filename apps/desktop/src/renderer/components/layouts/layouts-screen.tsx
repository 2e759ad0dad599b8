/**
 * S9 layout editor (view `layouts`, admins): the layouts the user sees on the left with the
 * camera tree under them; the selected layout's name, grid (1, 4, 6, 8, 9, 16 tiles or a custom
 * rows × columns grid) and visibility on top; its tiles in the middle (drag cameras from the
 * tree onto them, drag tiles onto each other to swap); the selected tile's settings on the
 * right. Save sends the whole layout in one `PATCH` (or `POST` for a new one); problems — the
 * editor's own check before saving and the server's answer after — show next to the field or
 * on the tile they concern. A layout changed elsewhere reloads here unless it has unsaved edits.
 *
 * Test hooks: `layouts-screen`, `layout-list`, `layout-row` (`data-id`, `aria-current`),
 * `layout-create`, `layout-name`, `layout-type`, `grid-rows`, `grid-cols`, `layout-visibility`,
 * `layout-live-mode`,
 * `layout-save`, `layout-revert`, `layout-delete`, `layout-default`, `layout-error`, `layout-dirty`.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  NumberInput,
  SegmentedControl,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { LayoutType, MAX_GRID_SIZE, type Layout } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useLayouts } from '../../data/use-layouts.js';
import { queryKeys } from '../../data/query-keys.js';
import { useSessionStore } from '../../stores/session-store.js';
import { errorText } from '../../lib/error-text.js';
import { serverMessageText } from '../../lib/server-messages.js';
import { CameraTree } from '../wall/camera-tree.js';
import { confirmDelete } from '../admin/confirm-delete.js';
import { LayoutCanvas } from './layout-canvas.js';
import { TileInspector } from './tile-inspector.js';
import type { Dropped } from './drag.js';
import {
  changeGrid,
  draftFrom,
  dropCamera,
  emptyDraft,
  localProblem,
  moveTile,
  removeTile,
  serverProblems,
  toBody,
  updateTile,
  type Draft,
  type DropTarget,
  type PlacedProblem,
} from './editor-model.js';
import './layouts.css';

/** Which layout is open: a saved one, a new one, or none yet. */
type Open = { kind: 'saved'; id: number } | { kind: 'new' } | null;

function LayoutList({
  layouts,
  open,
  onOpen,
  onCreate,
}: {
  layouts: readonly Layout[];
  open: Open;
  onOpen: (id: number) => void;
  onCreate: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="layout-list" data-testid="layout-list">
      <div className="layout-list__head">
        <Text fw={600} size="sm">
          {t('layouts.title')}
        </Text>
        <Button size="compact-xs" variant="light" onClick={onCreate} data-testid="layout-create">
          {t('layouts.create')}
        </Button>
      </div>
      <div className="layout-list__rows">
        {layouts.map((l) => {
          const current = open?.kind === 'saved' && open.id === l.id;
          return (
            <button
              key={l.id}
              type="button"
              className={`layout-row${current ? ' layout-row--current' : ''}`}
              onClick={() => onOpen(l.id)}
              data-testid="layout-row"
              data-id={l.id}
              aria-current={current ? 'true' : undefined}
            >
              <span className="layout-row__name">{l.layout_name}</span>
              <span className="layout-row__meta">
                {l.layout_type === 'custom' ? `${l.grid_rows}×${l.grid_cols}` : l.layout_type}
                {l.is_default && (
                  <Badge size="xs" color="cyan" variant="light">
                    {t('layouts.default')}
                  </Badge>
                )}
                {l.visibility === 'private' && (
                  <Badge size="xs" color="gray" variant="light">
                    {t('layouts.private')}
                  </Badge>
                )}
              </span>
            </button>
          );
        })}
        {layouts.length === 0 && (
          <Text size="xs" c="dimmed" p="sm">
            {t('layouts.noneYet')}
          </Text>
        )}
      </div>
    </div>
  );
}

/** The editor screen. */
export function LayoutsScreen() {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const user = useSessionStore((s) => s.user);
  const isAdmin = user?.role === 'admin';
  const { data: layouts, isPending } = useLayouts();
  const [open, setOpen] = useState<Open>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const [serverErrors, setServerErrors] = useState<PlacedProblem[]>([]);
  const [saving, setSaving] = useState(false);
  const [treeOpen, setTreeOpen] = useState(true);
  const saved = open?.kind === 'saved' ? layouts?.find((l) => l.id === open.id) : undefined;

  // open the first layout; follow changes made elsewhere while nothing is edited here
  useEffect(() => {
    if (!layouts) return;
    if (open === null && layouts[0]) setOpen({ kind: 'saved', id: layouts[0].id });
    if (open?.kind === 'saved' && !layouts.some((l) => l.id === open.id))
      setOpen(layouts[0] ? { kind: 'saved', id: layouts[0].id } : null);
  }, [layouts, open]);
  useEffect(() => {
    if (saved && !dirty) setDraft(draftFrom(saved));
  }, [saved, dirty]);

  const local = useMemo(() => (draft ? localProblem(draft) : null), [draft]);
  const problems =
    serverErrors.length > 0 ? serverErrors : local ? [{ ...local, message: serverMessageText(local.message, t) }] : [];
  const fieldError = (field: string) => problems.find((p) => p.number === null && p.field === field)?.message;
  const general = problems.filter(
    (p) =>
      p.number === null && !['layout_name', 'layout_type', 'grid_rows', 'grid_cols', 'visibility'].includes(p.field),
  );
  const tileProblem = problems.find((p) => p.number !== null);

  const edit = (next: Draft) => {
    setDraft(next);
    setDirty(true);
    setServerErrors([]);
  };
  const openLayout = (id: number) => {
    setOpen({ kind: 'saved', id });
    setDirty(false);
    setSelected(null);
    setServerErrors([]);
    const l = layouts?.find((x) => x.id === id);
    if (l) setDraft(draftFrom(l));
  };
  const create = () => {
    setOpen({ kind: 'new' });
    setDraft(emptyDraft(t('layouts.newName'), isAdmin ? 'shared' : 'private'));
    setDirty(true);
    setSelected(null);
    setServerErrors([]);
  };
  const onDrop = (dropped: NonNullable<Dropped>, target: DropTarget) => {
    if (!draft) return;
    edit(
      dropped.kind === 'camera' ? dropCamera(draft, target, dropped.stream) : moveTile(draft, dropped.number, target),
    );
    if (target.kind === 'tile') setSelected(target.number);
  };
  const setGrid = (type: LayoutType, rows?: number, cols?: number) => {
    if (!draft) return;
    const { draft: next, dropped } = changeGrid(draft, type, rows, cols);
    edit(next);
    if (dropped > 0) notifications.show({ color: 'yellow', message: t('layouts.dropped', { n: dropped }) });
  };

  const save = async () => {
    if (!draft) return;
    setSaving(true);
    try {
      const body = toBody(draft);
      const result =
        open?.kind === 'saved'
          ? await api.updateLayout(open.id, body)
          : await api.createLayout({ ...body, is_default: false });
      queryClient.setQueryData<Layout[]>(queryKeys.layouts(), (list) =>
        list
          ? list.some((l) => l.id === result.id)
            ? list.map((l) => (l.id === result.id ? result : l))
            : [...list, result]
          : [result],
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.layouts() });
      setOpen({ kind: 'saved', id: result.id });
      setDraft(draftFrom(result));
      setDirty(false);
      setServerErrors([]);
      notifications.show({
        color: 'teal',
        message: t('layouts.saved', { name: result.layout_name }),
        'data-testid': 'toast-success',
      } as Parameters<typeof notifications.show>[0]);
    } catch (err) {
      setServerErrors(
        serverProblems(draft, err).map((p) => ({
          ...p,
          message: p.field === 'general' ? errorText(err, t) : serverMessageText(p.message, t),
        })),
      );
    } finally {
      setSaving(false);
    }
  };
  const remove = () => {
    if (!saved) return;
    confirmDelete(t, saved.layout_name, () => {
      api
        .deleteLayout(saved.id)
        .then(() => {
          setOpen(null);
          setDirty(false);
          return queryClient.invalidateQueries({ queryKey: queryKeys.layouts() });
        })
        .catch((err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) }));
    });
  };
  const makeDefault = () => {
    if (!saved) return;
    api
      .setDefaultLayout(saved.id)
      .then(() => queryClient.invalidateQueries({ queryKey: queryKeys.layouts() }))
      .catch((err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) }));
  };

  const tile = draft && selected !== null ? draft.tiles.find((x) => x.position_number === selected) : undefined;
  const readOnly = open?.kind === 'saved' && saved !== undefined && !saved.editable;

  return (
    <div className="layouts" data-testid="layouts-screen">
      {/* the screen's one h1 (its name is in the navigation, so it is not shown twice) */}
      <VisuallyHidden component="h1">{t('nav.layouts')}</VisuallyHidden>
      <div className="layouts__side">
        <LayoutList layouts={layouts ?? []} open={open} onOpen={openLayout} onCreate={create} />
        <CameraTree open={treeOpen} onToggle={() => setTreeOpen((o) => !o)} />
      </div>
      <div className="layouts__main">
        {isPending && <Loader m="md" color="cyan" type="dots" />}
        {draft && (
          <>
            <div className="layouts__head">
              <Group className="layouts__toolbar" gap="xs" align="flex-end" wrap="wrap">
                <TextInput
                  size="xs"
                  w={220}
                  label={t('layouts.name')}
                  value={draft.layout_name}
                  onChange={(e) => edit({ ...draft, layout_name: e.currentTarget.value })}
                  error={fieldError('layout_name')}
                  data-testid="layout-name"
                />
                <div>
                  <Text size="xs" fw={500} mb={4}>
                    {t('layouts.grid')}
                  </Text>
                  <SegmentedControl
                    size="xs"
                    data={LayoutType.options.map((v) => ({
                      value: v,
                      label: v === 'custom' ? t('layouts.custom') : v,
                    }))}
                    value={draft.layout_type}
                    onChange={(v) => setGrid(v as LayoutType)}
                    data-testid="layout-type"
                  />
                </div>
                {draft.layout_type === 'custom' && (
                  <>
                    <NumberInput
                      size="xs"
                      w={70}
                      label={t('layouts.rows')}
                      min={1}
                      max={MAX_GRID_SIZE}
                      value={draft.grid_rows}
                      onChange={(v) =>
                        typeof v === 'number' && v >= 1 && v <= MAX_GRID_SIZE && setGrid('custom', v, draft.grid_cols)
                      }
                      error={fieldError('grid_rows')}
                      data-testid="grid-rows"
                    />
                    <NumberInput
                      size="xs"
                      w={70}
                      label={t('layouts.cols')}
                      min={1}
                      max={MAX_GRID_SIZE}
                      value={draft.grid_cols}
                      onChange={(v) =>
                        typeof v === 'number' && v >= 1 && v <= MAX_GRID_SIZE && setGrid('custom', draft.grid_rows, v)
                      }
                      error={fieldError('grid_cols')}
                      data-testid="grid-cols"
                    />
                  </>
                )}
                <div>
                  <Text size="xs" fw={500} mb={4}>
                    {t('layouts.visibility')}
                  </Text>
                  <SegmentedControl
                    size="xs"
                    data={[
                      { value: 'shared', label: t('layouts.shared'), disabled: !isAdmin },
                      { value: 'private', label: t('layouts.private') },
                    ]}
                    value={draft.visibility}
                    onChange={(v) => edit({ ...draft, visibility: v as Draft['visibility'] })}
                    data-testid="layout-visibility"
                  />
                </div>
                <div>
                  <Text size="xs" fw={500} mb={4}>
                    {t('layouts.liveMode')}
                  </Text>
                  <Tooltip label={t('layouts.liveModeHint')} multiline w={300} openDelay={300}>
                    <SegmentedControl
                      size="xs"
                      data={[
                        { value: 'always', label: t('layouts.alwaysLive') },
                        { value: 'activity', label: t('layouts.liveOnActivity') },
                      ]}
                      value={draft.live_mode}
                      onChange={(v) => edit({ ...draft, live_mode: v as Draft['live_mode'] })}
                      data-testid="layout-live-mode"
                    />
                  </Tooltip>
                </div>
                <Group gap={6} ml="auto">
                  {dirty && (
                    <Text size="xs" c="yellow" data-testid="layout-dirty">
                      {t('layouts.unsaved')}
                    </Text>
                  )}
                  {open?.kind === 'saved' && dirty && (
                    <Button
                      size="xs"
                      variant="subtle"
                      color="gray"
                      onClick={() => openLayout(open.id)}
                      data-testid="layout-revert"
                    >
                      {t('layouts.revert')}
                    </Button>
                  )}
                  {saved && !saved.is_default && saved.visibility === 'shared' && isAdmin && (
                    <Button size="xs" variant="light" color="cyan" onClick={makeDefault} data-testid="layout-default">
                      {t('layouts.makeDefault')}
                    </Button>
                  )}
                  {saved && saved.editable && (
                    <Button size="xs" variant="light" color="red" onClick={remove} data-testid="layout-delete">
                      {t('common.delete')}
                    </Button>
                  )}
                  <Button
                    size="xs"
                    onClick={() => void save()}
                    loading={saving}
                    disabled={!dirty || readOnly}
                    data-testid="layout-save"
                  >
                    {t('common.save')}
                  </Button>
                </Group>
              </Group>
              {general.length > 0 && (
                <Alert color="red" variant="light" p="xs" m="xs" data-testid="layout-error">
                  {general.map((p) => p.message).join('; ')}
                </Alert>
              )}
              {tileProblem && selected !== tileProblem.number && (
                <Text size="xs" c="red" px="sm" data-testid="layout-tile-problem">
                  {t('layouts.tileProblem', { n: tileProblem.number, message: tileProblem.message })}
                </Text>
              )}
              {readOnly && (
                <Text size="xs" c="dimmed" px="sm" data-testid="layout-read-only">
                  {t('layouts.readOnly')}
                </Text>
              )}
            </div>
            <LayoutCanvas
              draft={draft}
              selected={selected}
              problems={problems}
              onSelect={setSelected}
              onDrop={onDrop}
            />
            <Text size="xs" c="dimmed" px="sm" pb={6}>
              {t('layouts.help')}
            </Text>
          </>
        )}
      </div>
      <div className="layouts__inspector">
        {draft && tile ? (
          <TileInspector
            draft={draft}
            tile={tile}
            problems={problems}
            onChange={(patch) => edit(updateTile(draft, tile.position_number, patch))}
            onRemove={() => {
              edit(removeTile(draft, tile.position_number));
              setSelected(null);
            }}
          />
        ) : (
          <Text size="xs" c="dimmed" p="sm">
            {t('layouts.selectTile')}
          </Text>
        )}
      </div>
    </div>
  );
}
