import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SfuAdapter } from './sfu.ts';

type MediaKindName = 'werift' | 'janus';

export interface MediaConfig {
  adapter: MediaKindName;
  /** Janus's WebSocket API, e.g. ws://127.0.0.1:8188 (`MEDIA=janus`). */
  janusUrl: string | undefined;
  /** Addresses werift announces in its ICE candidates besides the host's own (e.g. a public IP). */
  announcedAddresses: string[];
  /** werift forwards media on its own worker thread rather than the app's event loop. */
  weriftWorker: boolean;
}

type WeriftOptions = { announcedAddresses?: string[] };
type WeriftModule = { WeriftSfu: new (options?: WeriftOptions) => SfuAdapter };
type WeriftThreadModule = { WeriftWorkerSfu: new (options?: WeriftOptions) => SfuAdapter };
type JanusModule = { JanusSfu: new (options: { url: string }) => SfuAdapter };

/**
 * Chooses the SFU from configuration. Each adapter is loaded only when chosen, so the werift
 * code (and its UDP sockets) stays out of a Janus deployment and the other way round.
 */
export async function createSfu(config: MediaConfig): Promise<SfuAdapter> {
  if (config.adapter === 'janus') {
    if (!config.janusUrl) throw new Error('MEDIA=janus needs JANUS_URL (e.g. ws://127.0.0.1:8188)');
    const file = adapterFile('janus');
    if (!file) throw new Error('MEDIA=janus is not available in this build');
    const mod = (await import(pathToFileURL(file).href)) as JanusModule;
    return new mod.JanusSfu({ url: config.janusUrl });
  }
  const options: WeriftOptions = config.announcedAddresses.length ? { announcedAddresses: config.announcedAddresses } : {};
  if (config.weriftWorker) {
    const file = adapterFile('werift', 'thread');
    if (!file) throw new Error('MEDIA=werift is not available in this build');
    return new ((await import(pathToFileURL(file).href)) as WeriftThreadModule).WeriftWorkerSfu(options);
  }
  const file = adapterFile('werift');
  if (!file) throw new Error('MEDIA=werift is not available in this build');
  const mod = (await import(pathToFileURL(file).href)) as WeriftModule;
  return new mod.WeriftSfu(options);
}

function adapterFile(name: MediaKindName, module = 'index'): string | null {
  for (const ext of ['.ts', '.js']) {
    const f = path.join(import.meta.dirname, name, `${module}${ext}`);
    if (existsSync(f)) return f;
  }
  return null;
}
