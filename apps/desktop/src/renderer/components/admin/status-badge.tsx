/**
 * Coloured, translated status badges for every kind of status the admin lists show.
 */
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const COLOURS: Record<string, string> = {
  active: 'teal',
  online: 'teal',
  inactive: 'gray',
  disabled: 'gray',
  unknown: 'gray',
  offline: 'red',
  error: 'red',
  maintenance: 'yellow',
};

/** `kind` picks the translation namespace: `entityStatus`, `deviceStatus`, `streamStatus`, `userStatus`. */
export function StatusBadge({
  kind,
  value,
}: {
  kind: 'entityStatus' | 'deviceStatus' | 'streamStatus' | 'userStatus';
  value: string;
}) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={COLOURS[value] ?? 'gray'} size="sm" data-testid="status-badge" data-status={value}>
      {t(`${kind}.${value}`)}
    </Badge>
  );
}
