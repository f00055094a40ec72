#!/usr/bin/env node
// Runs every suite and ends with one line "N passed, N failed" summed over them.
// Usage: node scripts/test.mjs [typecheck|lint|unit|components|integration|e2e ...]
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const only = new Set(process.argv.slice(2));
const want = (name) => only.size === 0 || only.has(name);

function find(dir, suffix, out = []) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'dist') find(p, suffix, out);
    else if (e.isFile() && e.name.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

const totals = { passed: 0, failed: 0 };
const results = [];
mkdirSync(path.join(root, '.tmp'), { recursive: true });

function testArgs(name, files, concurrency) {
  return [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapOf(name)}`,
    ...files,
  ];
}

const tapOf = (name) => path.join(root, '.tmp', `${name}.tap`);

/** Adds a suite's counts from its TAP report; a runner that failed without a failing test counts as one failure. */
function count(name, status) {
  const tap = tapOf(name);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const pass = Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
  let fail = Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0);
  const cancelled = Number(/^# cancelled (\d+)/m.exec(text)?.[1] ?? 0);
  fail += cancelled;
  if (status !== 0 && fail === 0) fail = 1; // the runner itself failed
  results.push(`${name}: ${pass} passed, ${fail} failed`);
  totals.passed += pass;
  totals.failed += fail;
}

function runNodeTests(name, files, env = {}, concurrency = 1) {
  if (files.length === 0) return;
  rmSync(tapOf(name), { force: true });
  console.log(`\n=== ${name}: ${files.length} file(s) ===`);
  const r = spawnSync(process.execPath, testArgs(name, files, concurrency), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  count(name, r.status);
}

/**
 * Several suites at once (each on its own database, so they share nothing); each one's report is
 * kept in its own log and printed whole when it ends, so the output stays readable.
 */
async function runNodeSuitesTogether(suites) {
  const started = Date.now();
  const runs = suites.map(
    ({ name, files, env }) =>
      new Promise((resolve) => {
        rmSync(tapOf(name), { force: true });
        const log = path.join(root, '.tmp', `${name}.log`);
        const out = openSync(log, 'w');
        const child = spawn(process.execPath, testArgs(name, files, 1), {
          cwd: root,
          stdio: ['ignore', out, out],
          env: { ...process.env, ...env },
        });
        child.on('close', (status) => {
          closeSync(out);
          console.log(`\n=== ${name}: ${files.length} file(s), ${Math.round((Date.now() - started) / 1000)} s ===`);
          process.stdout.write(readFileSync(log, 'utf8'));
          count(name, status ?? 1);
          resolve();
        });
      }),
  );
  await Promise.all(runs);
}

/** Vitest's component tests in jsdom (the web app's .test.tsx files); its JSON report gives the counts. */
function runVitest(name, cwd) {
  const report = path.join(root, '.tmp', `${name}.json`);
  rmSync(report, { force: true });
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    { cwd, stdio: 'inherit', env: process.env },
  );
  const json = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : null;
  const pass = json?.numPassedTests ?? 0;
  // A file that fails to load counts no test of its own, so such a file counts as one failure
  // (a file whose tests failed is already counted by its tests).
  const brokenFiles = (json?.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  let fail = (json?.numFailedTests ?? 0) + brokenFiles;
  if (r.status !== 0 && fail === 0) fail = 1; // the runner itself failed
  results.push(`${name}: ${pass} passed, ${fail} failed`);
  totals.passed += pass;
  totals.failed += fail;
}

function runStep(name, cmd, args) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  const ok = r.status === 0;
  results.push(`${name}: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
  totals[ok ? 'passed' : 'failed'] += 1;
  return ok;
}

if (want('typecheck')) runStep('typecheck', 'npm', ['run', '-s', 'typecheck']);
// The lint and format gate: type-aware ESLint, Biome's formatter, module boundaries, dead code.
if (want('lint')) runStep('lint', 'npm', ['run', '-s', 'lint']);
const serverSrc = path.join(root, 'server', 'src');
// Node's runner takes `.test.ts` only; the web app's `.test.tsx` component tests are Vitest's (below).
const all = [
  ...find(serverSrc, '.test.ts'),
  ...find(path.join(root, 'packages'), '.test.ts'),
  ...find(path.join(root, 'web', 'src'), '.test.ts'),
];
if (want('unit'))
  runNodeTests(
    'unit',
    all.filter((f) => !f.endsWith('.int.test.ts')),
    {},
    2,
  );
if (want('components')) runVitest('web components', path.join(root, 'web'));
if (want('integration')) {
  const ints = all.filter((f) => f.endsWith('.int.test.ts'));
  // PGlite runs in the test process and PostgreSQL in its server: the two suites side by side
  // keep both cores busy, where one after the other left one mostly idle.
  console.log(`\n=== integration: ${ints.length} file(s) on PGlite and on PostgreSQL, side by side ===`);
  await runNodeSuitesTogether([
    { name: 'integration (PGlite)', files: ints, env: { TEST_DB: 'pglite' } },
    { name: 'integration (Postgres)', files: ints, env: { TEST_DB: 'postgres' } },
  ]);
}
if (want('e2e')) {
  const e2e = find(path.join(root, 'e2e'), '.e2e.ts');
  // The test build: the production one leaves out the page hooks the e2e files read.
  if (e2e.length && runStep('build web (test mode)', 'npm', ['run', '-s', 'build:test'])) {
    runNodeTests('e2e (Chromium)', e2e);
  }
}

console.log('\n' + results.join('\n'));
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 ? 1 : 0);
