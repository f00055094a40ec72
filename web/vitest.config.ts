import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Component tests (`*.test.tsx`): screens and sheets rendered in jsdom inside the app's providers,
// with a fake server at `fetch`. Logic tests (`*.test.ts`) run on node's test runner instead.
export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.tsx'],
    setupFiles: ['src/test/setup.ts'],
    // Two cores are shared: one worker keeps each file's timing honest.
    maxWorkers: 1,
  },
});
