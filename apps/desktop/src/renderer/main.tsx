/**
 * Renderer entry: i18n first, then the app inside Mantine (dark scheme forced), TanStack
 * Query, the date pickers' locale, confirm dialogs and toasts.
 */
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/dates/styles.css';
import './styles.css';
import './admin.css';
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { STYLE_NONCE_META } from '@pantau/shared';
import { setNonce } from 'get-nonce';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { DatesProvider } from '@mantine/dates';
import { QueryClientProvider } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { App } from './components/app.js';
import { theme } from './theme.js';
import { initI18n } from './i18n/index.js';
import { createQueryClient } from './data/query-client.js';

initI18n();
const queryClient = createQueryClient();

/** Date pickers follow the console's language. */
function LocalisedDates({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <DatesProvider settings={{ locale: i18n.resolvedLanguage ?? 'en', firstDayOfWeek: 1 }}>{children}</DatesProvider>
  );
}

/** Modal texts follow the console's language. */
function LocalisedModals({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <ModalsProvider labels={{ confirm: t('common.confirm'), cancel: t('common.cancel') }}>{children}</ModalsProvider>
  );
}

// the style nonce the server (or Electron's app:// handler) put in this page: its CSP applies
// only <style> elements carrying it (packages/shared/src/csp.ts)
const styleNonce = document.querySelector<HTMLMetaElement>(`meta[name="${STYLE_NONCE_META}"]`)?.content;
// Mantine's drawers and modals lock scrolling with react-remove-scroll, whose <style> takes its
// nonce from get-nonce rather than from the provider
if (styleNonce) setNonce(styleNonce);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} forceColorScheme="dark" getStyleNonce={styleNonce ? () => styleNonce : undefined}>
      <QueryClientProvider client={queryClient}>
        <LocalisedDates>
          <LocalisedModals>
            <Notifications position="bottom-right" limit={4} />
            <App />
          </LocalisedModals>
        </LocalisedDates>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
