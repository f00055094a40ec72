import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Person } from './browser.ts';

export const PASSWORD = 'correct horse battery';

/** Signs up through the form, as a person would, and waits for the home screen. */
export async function signUp(page: Page, handle: string, displayName: string): Promise<void> {
  await page.goto('/signup');
  await page.getByTestId('signup-handle').fill(handle);
  await page.getByTestId('signup-name').fill(displayName);
  await page.getByTestId('signup-password').fill(PASSWORD);
  await page.getByTestId('signup-submit').click();
  await page.getByTestId('foryou').waitFor();
}

export async function logIn(page: Page, handle: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-handle').fill(handle);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('foryou').waitFor();
}

/** Waits until `fn` stops throwing; for what the page shows after something asynchronous. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Follows someone through the API as the signed-in person (setting up a story, not its subject). */
export async function follow(p: Person, handle: string): Promise<void> {
  const session = await p.context.request.get('/api/v1/auth/session');
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const res = await p.context.request.put(`/api/v1/users/${handle}/follow`, { headers: { 'x-csrf-token': csrfToken } });
  assert.ok(res.ok(), `follow ${handle}: ${res.status()}`);
}

/** Fills the checkout's new-address form and saves it. */
export async function fillAddress(page: Page, name: string): Promise<void> {
  await page.getByTestId('address-form').waitFor();
  await page.locator('#addr-name').fill(name);
  await page.locator('#addr-phone').fill('+86 138 0000 0000');
  await page.locator('#addr-line1').fill('1 Huaihai Road');
  await page.locator('#addr-city').fill('Shanghai');
  await page.getByTestId('address-save').click();
  await page.getByTestId('address-option').first().waitFor();
}

/** Pays on the payment form in view with a test card: 4242… is accepted, 4000 0000 0000 0002 declined. */
export async function payByCard(page: Page, number = '4242 4242 4242 4242'): Promise<void> {
  await page.locator('#pay-number').fill(number);
  await page.locator('#pay-exp').fill('12/30');
  await page.getByTestId('pay-submit').click();
}

/** Calls the API from inside a person's page, with their session and CSRF token. */
export async function apiAs(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const session = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
      const res = await fetch(url, {
        method,
        headers:
          body === undefined
            ? { 'x-csrf-token': session.csrfToken }
            : { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    { method, url, body },
  );
}
