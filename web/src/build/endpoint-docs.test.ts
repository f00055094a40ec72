import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseAst } from 'vite';
import { stripEndpointDocs } from './endpoint-docs.ts';

const apiDir = path.resolve(import.meta.dirname, '../../../packages/protocol/src/api');

test('takes summary, tags and errors out of an endpoint declaration, and nothing else', () => {
  const src = [
    "const tags = ['feeds'] as const;",
    'export const feedsApi = {',
    '  summary: endpoint({',
    "    method: 'GET',",
    "    path: '/api/v1/x/:id',",
    "    summary: 'Naïve “quotes”, 朋友, and a comma, here',",
    '    tags,',
    '    params: P,',
    "    errors: ['not_found', 'forbidden'],",
    '    response: R,',
    '  }),',
    "  other: { summary: 'not an endpoint', tags: ['kept'] },",
    '};',
  ].join('\n');
  const out = stripEndpointDocs(src, 'feeds.ts');
  assert.ok(out !== null);
  assert.doesNotMatch(out, /Naïve|not_found|^\s*tags,/m);
  // The endpoint named `summary` and the object without method and path are kept as they were.
  assert.match(out, /summary: endpoint\(\{/);
  assert.match(out, /other: \{ summary: 'not an endpoint', tags: \['kept'\] \}/);
  assert.match(out, /method: 'GET',\s+path: '\/api\/v1\/x\/:id',\s+params: P,\s+response: R,/);
  parseAst(out, { lang: 'ts' }, 'feeds.ts');
});

test('every endpoint file of the protocol still parses, with no documentation left in it', () => {
  const files = readdirSync(apiDir).filter((f) => f.endsWith('.ts') && f !== 'endpoint.ts' && f !== 'index.ts');
  assert.ok(files.length > 10);
  let summaries = 0;
  for (const f of files) {
    const src = readFileSync(path.join(apiDir, f), 'utf8');
    const out = stripEndpointDocs(src, f) ?? src;
    parseAst(out, { lang: 'ts' }, f);
    summaries += (src.match(/\bsummary\b/g) ?? []).length;
    // What is left of `summary`: endpoints named so and helpers' parameters, never a string.
    assert.doesNotMatch(out, /\bsummary:\s*['"`]/, f);
    assert.doesNotMatch(out, /\berrors:\s*\[/, f);
    assert.doesNotMatch(out, /\btags(:\s*\w+)?,\s*$/m, f);
    // Every path survives.
    assert.equal((out.match(/\bpath:/g) ?? []).length, (src.match(/\bpath:/g) ?? []).length, f);
  }
  assert.ok(summaries > 150);
});
