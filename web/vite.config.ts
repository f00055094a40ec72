import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server forwards API, media and the WebSocket to a locally running Tremolo server,
// so the browser sees one origin exactly as in production (cookies and the gateway's origin check rely on it).
const backend = 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: 'hidden' },
  server: {
    proxy: {
      '/api': backend,
      '/media': backend,
      '/ws': { target: backend, ws: true },
    },
  },
});
