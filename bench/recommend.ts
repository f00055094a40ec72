/**
 * Offline benchmark of the For You ranking engine.
 *
 *   npm run bench:recommend -- [--data <dir>] [--no-tune] [--tune-users N]
 *
 * <dir> holds train_set.txt, test_set.txt and trust.txt (`a,b` pairs with a header). The
 * hyper-parameters are chosen on a validation split carved from train_set.txt only; the engine
 * is then refitted on all of train and ranks every test user over all items not seen in train.
 * fitSeconds covers the whole fit: tuning plus the final refit. The last line is JSON.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecommendEngine, type EngineOptions } from '../server/src/lib/recommend/engine.ts';
import { DEFAULT_GRID, evaluate, tune } from '../server/src/lib/recommend/evaluate.ts';
import { loadDataset, toFriendships, toInteractions } from '../server/src/lib/recommend/loader.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.resolve(arg('data') ?? path.join(here, '..', '..', 'shared', 'datasets', 'lastfm-social'));
const doTune = !process.argv.includes('--no-tune');
const tuneUsers = Number(arg('tune-users') ?? 2000);

const log = (line: string): void => console.log(line);

const t0 = performance.now();
const data = loadDataset(dataDir);
log(
  `data ${data.name}: ${data.users} users, ${data.items} items, ${data.train.length} train, ${data.test.length} test, ${data.trust.length} trust pairs (${((performance.now() - t0) / 1000).toFixed(1)} s to load)`,
);

const fitStart = performance.now();
const options: Partial<EngineOptions> = {};
if (doTune) {
  log(`tuning on a 20% validation split of train (${tuneUsers} users at most)`);
  const best = tune(data.train, data.trust, options, DEFAULT_GRID, { log, maxUsers: tuneUsers });
  log(
    `chosen: λ=${best.lambda} (→ ${best.lambdaForFull.toFixed(1)} on full train) β=${best.popularityExponent} γ=${best.graphPopularityExponent} graph=${best.graphWeight} social=${best.socialWeight} mf=${best.mfWeight}; validation recall@20=${best.recall.toFixed(4)} ndcg@20=${best.ndcg.toFixed(4)}; ${best.seconds.toFixed(1)} s`,
  );
  options.lambda = best.lambdaForFull;
  options.popularityExponent = best.popularityExponent;
  options.graphPopularityExponent = best.graphPopularityExponent;
  options.graphWeight = best.graphWeight;
  options.socialWeight = best.socialWeight;
  options.mfWeight = best.mfWeight;
}
const engine = new RecommendEngine(options);
const report = engine.fitSync(toInteractions(data.train), toFriendships(data.trust));
const fitSeconds = (performance.now() - fitStart) / 1000;
log(
  `final fit: EASE ${report.solver} over ${report.headSize} head items + iALS, ${report.interactions} interactions, ${report.seconds.toFixed(1)} s; total fit ${fitSeconds.toFixed(1)} s`,
);

const m = evaluate(engine, data.test, 20);
log(`test: ${m.users} users, recall@20=${m.recall.toFixed(4)} ndcg@20=${m.ndcg.toFixed(4)}, ${m.msPerUser.toFixed(2)} ms/user`);

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;
console.log(
  JSON.stringify({
    bench: 'recommend',
    data: data.name,
    recall20: round(m.recall, 4),
    ndcg20: round(m.ndcg, 4),
    fitSeconds: round(fitSeconds, 1),
    msPerUser: round(m.msPerUser, 2),
  }),
);
