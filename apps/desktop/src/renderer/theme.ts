/**
 * The console's Mantine theme: dark, low-glare surfaces for a control room, one cyan accent,
 * tabular digits for times and counters.
 */
import { createTheme, type MantineColorsTuple } from '@mantine/core';

const night: MantineColorsTuple = [
  '#c9d1dc',
  '#a7b1bf',
  '#7f8a9a',
  '#5c6777',
  '#3d4756',
  '#2a323e',
  '#1c232d',
  '#141a22',
  '#0f141a',
  '#0b0f14',
];

/** The theme passed to `MantineProvider`. */
export const theme = createTheme({
  primaryColor: 'cyan',
  primaryShade: 6,
  colors: { dark: night },
  fontFamily: 'Inter, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: '"JetBrains Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
  defaultRadius: 'sm',
  headings: { fontWeight: '600' },
});
