/**
 * Helpers for driving the console's Mantine widgets from Playwright: pick from a Select or
 * MultiSelect, read the error shown beside a field, switch the language, and screenshot a
 * screen in both languages.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from './support.js';

/** Opens the Select/MultiSelect whose input has `data-testid=testId` and clicks the option whose text contains `label`. */
export async function pick(page: Page, testId: string, label: string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.click();
  if ((await input.getAttribute('readonly')) === null) await input.fill(label);
  await page.locator('[role="option"]:visible', { hasText: label }).first().click();
  // A MultiSelect keeps its dropdown open (over the form's buttons) until it loses focus.
  await input.evaluate((el) => (el as HTMLElement).blur());
}

/** The error Mantine shows beside a field (its `<input id>-error` element), and whether the input is marked invalid. */
export async function fieldError(page: Page, testId: string): Promise<{ invalid: boolean; text: string | null }> {
  return page.getByTestId(testId).evaluate((el) => {
    const err = el.id ? document.getElementById(`${el.id}-error`) : null;
    const invalid =
      el.getAttribute('aria-invalid') === 'true' ||
      el.getAttribute('data-invalid') === 'true' ||
      el.closest('.mantine-InputWrapper-root')?.getAttribute('data-error') === 'true';
    return { invalid, text: err?.textContent ?? null };
  });
}

/** Switches the console to `language` with the header (or sign-in card) switch. */
export async function setLanguage(page: Page, language: 'en' | 'id'): Promise<void> {
  await page.getByTestId(`language-${language}`).first().click();
  await page.waitForFunction((l) => document.documentElement.lang === l, language);
}

/**
 * Screenshots the page as `artifacts/e2e/admin-<name>-en.png` and `-id.png`, switching the
 * language between (and back to English after). Waits for running animations to settle.
 */
export async function shotBoth(page: Page, name: string): Promise<void> {
  for (const language of ['en', 'id'] as const) {
    await setLanguage(page, language);
    await page.waitForTimeout(350);
    await page.screenshot({ path: path.join(ARTIFACTS, `admin-${name}-${language}.png`) });
  }
  await setLanguage(page, 'en');
}

/**
 * Like {@link shotBoth} for what sits above the page (drawers, dialogs cover the header's
 * language switch): per language, `open()` brings it up, the screenshot is taken, `close()`
 * puts it away.
 */
export async function shotBothWith(
  page: Page,
  name: string,
  open: () => Promise<void>,
  close: () => Promise<void>,
): Promise<void> {
  for (const language of ['en', 'id'] as const) {
    await setLanguage(page, language);
    await open();
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(ARTIFACTS, `admin-${name}-${language}.png`) });
    await close();
  }
  await setLanguage(page, 'en');
}

/** Clicks a navigation entry and waits for its screen (`admin-screen[data-entity]`, or the wall). */
export async function openView(
  page: Page,
  view: 'wall' | 'groups' | 'branches' | 'devices' | 'streams' | 'users' | 'audit',
): Promise<void> {
  await page.getByTestId(`nav-${view}`).click();
  if (view === 'wall') await page.getByTestId('wall-view').waitFor();
  else await page.locator(`[data-testid="admin-screen"][data-entity="${view}"]`).waitFor();
}

/** The `data-id`s of the rows the admin table shows now. */
export function rowIds(page: Page): Promise<number[]> {
  return page.$$eval('[data-testid="admin-row"]', (rows) => rows.map((r) => Number((r as HTMLElement).dataset.id)));
}

/** A clock of the page's own, beside the burned-in camera clocks, for reading glass-to-glass latency off screenshots. */
export async function showPageClock(p: Page): Promise<void> {
  await p.evaluate(() => {
    const el = document.createElement('div');
    el.id = 'e2e-clock';
    el.style.cssText =
      'position:fixed;right:8px;bottom:8px;z-index:99999;font:bold 28px monospace;background:#000;color:#0f0;padding:4px 8px';
    document.body.appendChild(el);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const tick = () => {
      const d = new Date();
      el.textContent = `page ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
      requestAnimationFrame(tick);
    };
    tick();
  });
}
