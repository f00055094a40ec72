import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeAll } from 'vitest';
import { loadStrings } from '../lib/i18n.tsx';

// A screen's first render waits for its lazily loaded route and the session; on a busy machine
// that takes longer than the library's 1 s default for findBy*/waitFor.
configure({ asyncUtilTimeout: 5_000 });

// The app loads a language's strings before its first render (main.tsx); the tests render at once, in either language.
beforeAll(async () => {
  await Promise.all([loadStrings('en'), loadStrings('zh-CN')]);
});

afterEach(() => {
  cleanup();
  localStorage.clear();
});
