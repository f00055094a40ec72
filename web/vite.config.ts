import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server forwards API, media and the WebSocket to a locally running Tremolo server,
// so the browser sees one origin exactly as in production (cookies and the gateway's origin check rely on it).
const backend = 'http://localhost:8080';

// `--mode test` is the build end-to-end tests and the browser benchmarks run against: it keeps the
// page hooks they read (window.__watch, window.__room, ?sync=naive) and goes to its own folder, so
// what `npm run build` makes for production never carries them and is never replaced by it.
export default defineConfig(({ mode }) => ({
  plugins: [react()],
  build: { outDir: mode === 'test' ? 'dist-test' : 'dist', emptyOutDir: true, sourcemap: 'hidden' },
  server: {
    proxy: {
      '/api': backend,
      '/media': backend,
      '/ws': { target: backend, ws: true },
    },
  },
}));
