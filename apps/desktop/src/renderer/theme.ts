/**
 * The console's Mantine theme: dark, low-glare surfaces for a control room, one cyan accent,
 * tabular digits for times and counters.
 *
 * Contrast (WCAG 2.1 AA, 4.5:1 for text; issue 16): filled buttons and badges use shade 8 of
 * their colour, and the text on them is white or near-black, whichever passes: white passes on
 * a colour of relative luminance ≤ 0.183, black on one ≥ 0.175, so Mantine's `autoContrast`
 * with a threshold of 0.183 picks a passing one for every palette (red, blue, violet… keep white
 * text; yellow, orange, green, lime get dark text). The accent's shades 8 and 9 are one step
 * deeper than Mantine's cyan (whose 8, #0c8599, gives white text only 4.35:1), so the primary
 * buttons keep white text on a deep teal (5.6:1).
 *
 * Icon-only controls that Mantine leaves unnamed get their accessible names here, in the
 * console's language at render time: every close button (toasts, drawers, modals, alerts)
 * and the pagers' page and arrow buttons.
 */
import { createTheme, type MantineColorsTuple } from '@mantine/core';
import i18next from 'i18next';

/**
 * The dark surfaces and greys. Shade 2 is Mantine's "dimmed" text (and here the placeholders,
 * styles.css): #939eae keeps 4.5:1 even on a hovered table row (shade 5, 4.8:1; #7f8a9a was 3.7).
 */
const night: MantineColorsTuple = [
  '#c9d1dc',
  '#a7b1bf',
  '#939eae',
  '#5c6777',
  '#3d4756',
  '#2a323e',
  '#1c232d',
  '#141a22',
  '#0f141a',
  '#0b0f14',
];

/** Mantine's cyan (0–7 unchanged, so the outline, text and light variants look as before) with deeper 8 and 9. */
const cyan: MantineColorsTuple = [
  '#e3fafc',
  '#c5f6fa',
  '#99e9f2',
  '#66d9e8',
  '#3bc9db',
  '#22b8cf',
  '#15aabf',
  '#1098ad',
  '#0b7285',
  '#0a6878',
];

/** The theme passed to `MantineProvider`. */
export const theme = createTheme({
  primaryColor: 'cyan',
  primaryShade: 8,
  autoContrast: true,
  luminanceThreshold: 0.183,
  colors: { dark: night, cyan },
  fontFamily: 'Inter, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: '"JetBrains Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
  defaultRadius: 'sm',
  headings: { fontWeight: '600' },
  components: {
    // a drawer's or dialog's title bar is not a second banner landmark beside the console's header
    DrawerHeader: { defaultProps: { component: 'div' } },
    ModalHeader: { defaultProps: { component: 'div' } },
    // Functions, read at each render (Mantine's useProps calls a function `defaultProps`), so the
    // names follow a language switch; `Component.extend` types only objects, hence the plain form.
    CloseButton: { defaultProps: () => ({ 'aria-label': i18next.t('common.close') }) },
    Pagination: {
      defaultProps: () => ({
        getControlProps: (control: 'first' | 'previous' | 'next' | 'last') => ({
          'aria-label': i18next.t(`pager.${control}`),
        }),
        getItemProps: (page: number) => ({ 'aria-label': i18next.t('pager.page', { page }) }),
      }),
    },
  },
});
