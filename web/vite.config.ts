import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { endpointDocsOff } from './src/build/endpoint-docs.ts';

// The dev server forwards API, media and the WebSocket to a locally running Tremolo server,
// so the browser sees one origin exactly as in production (cookies and the gateway's origin check rely on it).
const backend = 'http://localhost:8080';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;
// Below this a compressed copy saves less than the headers it costs.
const MIN_BYTES = 1024;

/**
 * Writes `.br` and `.gz` copies of the built text files next to them, at the highest levels
 * (done once per build, so the server never compresses a file per request: it picks the copy
 * the browser's Accept-Encoding allows). Source maps are never served, so never compressed.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'tremolo-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      // A build that failed wrote nothing: its own error is the one to see.
      if (!existsSync(outDir)) return;
      const files = (await readdir(outDir, { recursive: true })).map((f) => path.join(outDir, f));
      await Promise.all(
        files
          .filter((f) => COMPRESSIBLE.test(f))
          .map(async (f) => {
            if ((await stat(f)).size < MIN_BYTES) return;
            const body = await readFile(f);
            const [br, gzipped] = await Promise.all([
              brotli(body, {
                params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
              }),
              gz(body, { level: 9 }),
            ]);
            await Promise.all([writeFile(`${f}.br`, br), writeFile(`${f}.gz`, gzipped)]);
          }),
      );
    },
  };
}

/** Each language's strings chunk, by the module that defines it (lib/i18n.tsx imports them lazily). */
const STRINGS = { en: 'src/locales/en.ts', 'zh-CN': 'src/locales/zh-CN.ts' };

/**
 * `src/early.ts` is a build entry of its own, loaded first by index.html: it starts the landing
 * screen's data request while the app's scripts are still downloading. The page also names each
 * language's strings chunk in a `<meta name="tremolo:strings:<lang>">` (the hashed file names are
 * known only here), so early.ts can ask for the one its page shows at once instead of after the app's
 * scripts have run.
 */
function earlyEntry(): Plugin {
  return {
    name: 'tremolo-early-entry',
    config: () => ({
      build: {
        rolldownOptions: {
          input: { index: path.resolve(import.meta.dirname, 'index.html'), early: path.resolve(import.meta.dirname, 'src/early.ts') },
        },
      },
    }),
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.isEntry && c.name === 'early');
        const src = chunk ? `/${chunk.fileName}` : ctx.server ? '/src/early.ts' : null;
        const chunks = Object.values(ctx.bundle ?? {}).filter((c) => c.type === 'chunk');
        const strings = Object.entries(STRINGS).flatMap(([lang, module]) => {
          const file = path.resolve(import.meta.dirname, module);
          const c = chunks.find((x) => x.type === 'chunk' && x.facadeModuleId === file);
          return c
            ? [{ tag: 'meta', attrs: { name: `tremolo:strings:${lang}`, content: `/${c.fileName}` }, injectTo: 'head-prepend' as const }]
            : [];
        });
        // `async`: it runs the moment it arrives, not after the stylesheet as a deferred module would;
        // the meta tags come before it, so they are parsed by then.
        const early = src ? [{ tag: 'script', attrs: { type: 'module', async: true, src }, injectTo: 'head-prepend' as const }] : [];
        return [...strings, ...early];
      },
    },
  };
}

// `--mode test` is the build end-to-end tests and the browser benchmarks run against: it keeps the
// page hooks they read (window.__watch, window.__room, ?sync=naive) and goes to its own folder, so
// what `npm run build` makes for production never carries them and is never replaced by it.
/**
 * The installable app: the web manifest, and the service worker (`src/sw/sw.ts`, built with the
 * list of files to cache at install injected by Workbox). The page registers it itself and asks
 * the person before a new version takes over (`components/UpdatePrompt.tsx`).
 */
const pwa = () =>
  VitePWA({
    strategies: 'injectManifest',
    srcDir: 'src/sw',
    filename: 'sw.ts',
    registerType: 'prompt',
    injectRegister: false,
    includeAssets: ['favicon.ico', 'favicon.svg', 'apple-touch-icon.png'],
    injectManifest: {
      // Both languages' strings and every screen's chunk: the whole app opens offline.
      globPatterns: ['**/*.{js,css,html,svg,png,ico,webmanifest}'],
      maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
    },
    manifest: {
      id: '/',
      name: 'Tremolo 颤音',
      short_name: 'Tremolo',
      description: 'Short videos, live rooms and a shop with your friends',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      orientation: 'portrait',
      background_color: '#0b0b10',
      theme_color: '#0b0b10',
      icons: [
        { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
  });

/** What rolldown tells a chunk-naming function about the module graph. */
interface ChunkGraph {
  getModuleInfo(id: string): { importedIds: string[] } | null;
}

/**
 * The protocol's modules are placed by use, not by the import graph: the graph reaches every
 * endpoint module (`@tremolo/protocol/api` re-exports them all), but only those the first screen
 * names belong in its download; the rest go with the screens that call them.
 */
const PROTOCOL = /[\\/]packages[\\/]protocol[\\/]src[\\/]/;
const MAIN_ENTRY = path.resolve(import.meta.dirname, 'src/main.tsx');
const firstLoads = new WeakMap<ChunkGraph, Set<string>>();

/** Every module the app's entry imports statically, directly or not: what the first screen runs. */
function firstLoadOf(graph: ChunkGraph): Set<string> {
  let set = firstLoads.get(graph);
  if (set) return set;
  set = new Set<string>();
  const queue = [MAIN_ENTRY];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (set.has(id)) continue;
    set.add(id);
    queue.push(...(graph.getModuleInfo(id)?.importedIds ?? []));
  }
  firstLoads.set(graph, set);
  return set;
}

/**
 * The first load in as few files as sense allows: on a phone each file the page needs is a
 * request, and over HTTP/1.1's six connections with a 0.5 s round trip, twenty small chunks cost
 * seconds of queueing before the first screen can render. What the entry imports statically
 * (found in the module graph, so it stays right as screens change) goes into two chunks, the
 * libraries and the app's own modules; the entry keeps only itself, and screens, their own
 * libraries (hls.js, recharts) and each language's strings stay lazy chunks.
 */
const firstLoadChunk = (id: string, graph: ChunkGraph): string | null => {
  if (id === MAIN_ENTRY || !firstLoadOf(graph).has(id) || PROTOCOL.test(id)) return null;
  return id.includes(`${path.sep}node_modules${path.sep}`) ? 'vendor' : 'app';
};

export default defineConfig(({ mode }) => ({
  plugins: [react(), endpointDocsOff(), earlyEntry(), pwa(), precompress()],
  build: {
    outDir: mode === 'test' ? 'dist-test' : 'dist',
    emptyOutDir: true,
    sourcemap: 'hidden',
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: firstLoadChunk }] } } },
  },
  server: {
    proxy: {
      '/api': backend,
      '/media': backend,
      '/ws': { target: backend, ws: true },
    },
  },
}));
