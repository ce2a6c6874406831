/**
 * `npm run bench`: runs every bench module, each against a fresh in-memory Azurite (a child
 * process on a free port, as the test setup does), prints one line per figure on stdout:
 *
 *   name: value unit (baseline: value, ratio: r)
 *
 * and writes the same lines to docs/benchmarks.md with a description of the machine and an
 * explanation of each figure. Progress goes to stderr. Not part of `npm test`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { startAzurite } from '../test/support/azurite-process';
import { http } from './http';
import { memory } from './memory';
import { slaSweep } from './sla-sweep';
import { trips } from './trips';
import { BenchModule, Figure } from './types';

/** Every bench module, in the order run and documented. */
const MODULES: BenchModule[] = [trips, http, memory, slaSweep];

const DOC = resolve(process.cwd(), 'docs/benchmarks.md');

const fmt = (x: number, decimals: number) =>
  x.toLocaleString('en', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

export function figureLine(f: Figure): string {
  const d = f.decimals ?? 1;
  const ratio = f.baseline === 0 ? NaN : f.value / f.baseline;
  return `${f.name}: ${fmt(f.value, d)} ${f.unit} (baseline: ${fmt(f.baseline, d)}, ratio: ${ratio.toFixed(2)})`;
}

/** The figure's target and whether this run met it ('' when it has none). */
export function targetText(f: Figure): string {
  const ratio = f.value / f.baseline;
  const unit = f.unit === 'requests' ? '' : ` ${f.unit}`;
  const checks: [string, boolean][] = [];
  if (f.maxRatio !== undefined) checks.push([`ratio ≤ ${f.maxRatio}`, ratio <= f.maxRatio]);
  if (f.minRatio !== undefined) checks.push([`ratio ≥ ${f.minRatio}`, ratio >= f.minRatio]);
  if (f.maxValue !== undefined) checks.push([`≤ ${f.maxValue}${unit}`, f.value <= f.maxValue]);
  return checks.map(([what, met]) => ` Target: ${what} (${met ? 'met' : 'NOT met'}).`).join('');
}

function machine(): string[] {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((c) => c.model.trim()))].join(', ');
  return [
    `- CPU: ${models} × ${cpus.length}`,
    `- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node: ${process.version} (${os.platform()} ${os.release()}, ${os.arch()})`,
    `- Date: ${new Date().toISOString()}`,
  ];
}

/** The hand-kept profiling notes (`bench/findings.md`), appended to the generated document. */
function findings(): string[] {
  const path = resolve(process.cwd(), 'bench/findings.md');
  return existsSync(path) ? [readFileSync(path, 'utf8').trim(), ''] : [];
}

function document(results: { module: BenchModule; figures: Figure[] }[]): string {
  const lines = results.flatMap((r) => r.figures.map(figureLine));
  const sections = results.flatMap(({ module, figures }) => [
    `## ${module.title}`,
    '',
    ...figures.flatMap((f) => [`- \`${f.name}\`: ${f.explanation}${targetText(f)}`]),
    '',
  ]);
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`bench/run.ts`): run it again rather than editing this file.',
    'Each line reads `name: value unit (baseline: value, ratio: value ÷ baseline)`; storage is an',
    'in-memory Azurite started by the runner, a fresh one for each module, on the machine below.',
    '',
    '## Machine',
    '',
    ...machine(),
    '',
    '## Figures',
    '',
    '```text',
    ...lines,
    '```',
    '',
    ...sections,
    ...findings(),
  ].join('\n');
}

async function main(): Promise<void> {
  const progress = (message: string) => process.stderr.write(`${message}\n`);
  const results: { module: BenchModule; figures: Figure[] }[] = [];
  // \`npm run bench -- http\` runs only the modules whose name starts with an argument.
  const only = process.argv.slice(2);
  const chosen = only.length
    ? MODULES.filter((m) => only.some((o) => m.name.startsWith(o)))
    : MODULES;
  for (const module of chosen) {
    // A fresh emulator for each module: its figures do not depend on what an earlier one left
    // there (the SLA sweep's 50k/5k ratio read 1.56–1.59 after the other modules' data, 1.36 alone).
    progress(`Starting an in-memory Azurite (${module.name})`);
    const azurite = await startAzurite({});
    try {
      const figures = await module.run({
        connectionString: azurite.connectionString,
        storagePid: azurite.child.pid,
        progress,
      });
      for (const f of figures) process.stdout.write(`${figureLine(f)}\n`);
      results.push({ module, figures });
    } finally {
      await azurite.stop();
    }
  }
  if (results.length < MODULES.length) {
    progress(`Only some modules ran: ${DOC} left as it was`);
    return;
  }
  writeFileSync(DOC, document(results));
  progress(`Written ${DOC}`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
