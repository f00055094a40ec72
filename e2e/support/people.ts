import type { Page } from 'playwright-core';

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
