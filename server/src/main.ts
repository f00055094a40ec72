import cluster from 'node:cluster';
import { pino } from 'pino';
import { loadConfig, type Config } from './platform/config.ts';
import path from 'node:path';
import { runWorkers, workerSlot } from './platform/cluster/workers.ts';
import { buildApp } from './app.ts';
import { seedDemo } from './modules/demo/seed.ts';
import { seedDemoVideos } from './modules/demo/videos.ts';
import { seedDemoGroups } from './modules/demo/groups.ts';

const startedAt = performance.now();
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  // A setting that would make the deployment unsafe or broken: say which, and do not start.
  console.error(`Tremolo will not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
if (config.workers > 1 && cluster.isPrimary) runWorkers(config.workers, pino({ level: config.logLevel }));
else await serve(withWorkerScratch(config));

/**
 * With object storage the storage directory is only this node's scratch space, emptied at start:
 * workers on one host each get their own, or a restarted worker would empty the others'.
 */
function withWorkerScratch(config: Config): Config {
  const slot = workerSlot();
  if (slot === null || !config.s3) return config;
  return { ...config, storageDir: path.join(config.storageDir, `worker-${slot}`) };
}

/** One node: the whole app in this process (a worker of `WORKERS`, or the only process). */
async function serve(config: Config): Promise<void> {
  const app = await buildApp(config);
  // Nodes starting together on an empty database take turns: the first seeds, the others find it done.
  if (config.seedDemo) {
    await app.database.exclusive('demo-seed', async () => {
      await seedDemo(app.services, app.http.log);
      await seedDemoGroups(app, app.http.log);
    });
  }
  // Declared dead by the others after a stall: what this node held was swept, so it must not go on serving.
  app.cluster.onFenced(() => process.exit(1));
  const address = await app.listen();
  if (config.seedDemo) {
    app.database
      .exclusive('demo-videos', () => seedDemoVideos(app.services, app.http.log))
      .catch((err: unknown) => app.http.log.error({ err }, 'demo videos failed'));
  }
  app.http.log.info(
    { address, database: app.database.kind, bus: app.bus.kind, startMs: Math.round(performance.now() - startedAt) },
    'Tremolo is up',
  );

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      app.http.log.info({ signal }, 'draining sockets and shutting down');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      app
        .close()
        .then(() => process.exit(0))
        .catch((err: unknown) => {
          app.http.log.error({ err }, 'shutdown failed');
          process.exit(1);
        });
    });
  }
}
