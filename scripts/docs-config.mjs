#!/usr/bin/env node
// Rewrites README.md's Configuration table from the configuration schema (server/src/platform/config.ts).
// Usage: npm run docs:config   (runs under tsx, which lets this script import TypeScript)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configTable } from '../server/src/platform/config.ts';
import { replaceConfigTable } from '../server/src/platform/config-docs.ts';

const readme = path.resolve(import.meta.dirname, '..', 'README.md');
const before = readFileSync(readme, 'utf8');
const after = replaceConfigTable(before, configTable());
if (after === before) console.log('README.md: the Configuration table is up to date');
else {
  writeFileSync(readme, after);
  console.log('README.md: Configuration table rewritten');
}
