/**
 * `npm run bench`: starts one in-memory Azurite (a child process on a free port, as the test
 * setup does), runs every bench module against it, prints one line per figure on stdout:
 *
 *   name: value unit (baseline: value, ratio: r)
 *
 * and writes the same lines to docs/benchmarks.md with a description of the machine and an
 * explanation of each figure. Progress goes to stderr. Not part of `npm test`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { resolve } from 'node:path';
import { slaSweep } from './sla-sweep';
import { BenchContext, BenchModule, Figure } from './types';

/** Every bench module, in the order run and documented. */
const MODULES: BenchModule[] = [slaSweep];

const DOC = resolve(process.cwd(), 'docs/benchmarks.md');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => ok(port));
    });
  });
}

async function waitListening(port: number, child: ChildProcess, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((done) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), done(true)));
      s.on('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error('Azurite did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startAzurite(): Promise<{ child: ChildProcess; connectionString: string }> {
  const port = await freePort();
  const main = require.resolve('azurite/dist/src/table/main.js');
  const child = spawn(
    process.execPath,
    [
      main,
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--silent',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await waitListening(port, child);
  const connectionString =
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
    'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
    `TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
  return { child, connectionString };
}

async function stopAzurite(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

const fmt = (x: number, decimals: number) =>
  x.toLocaleString('en', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

export function figureLine(f: Figure): string {
  const d = f.decimals ?? 1;
  const ratio = f.baseline === 0 ? NaN : f.value / f.baseline;
  return `${f.name}: ${fmt(f.value, d)} ${f.unit} (baseline: ${fmt(f.baseline, d)}, ratio: ${ratio.toFixed(2)})`;
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

function document(results: { module: BenchModule; figures: Figure[] }[]): string {
  const lines = results.flatMap((r) => r.figures.map(figureLine));
  const sections = results.flatMap(({ module, figures }) => [
    `## ${module.title}`,
    '',
    ...figures.flatMap((f) => {
      const ratio = f.value / f.baseline;
      const target =
        f.maxRatio === undefined
          ? ''
          : ` Target: ratio ≤ ${f.maxRatio} (${ratio <= f.maxRatio ? 'met' : 'NOT met'}).`;
      return [`- \`${f.name}\`: ${f.explanation}${target}`];
    }),
    '',
  ]);
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`bench/run.ts`): run it again rather than editing this file.',
    'Each line reads `name: value unit (baseline: value, ratio: value ÷ baseline)`; all storage',
    'is one in-memory Azurite started by the runner, on the machine below.',
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
  ].join('\n');
}

async function main(): Promise<void> {
  const progress = (message: string) => process.stderr.write(`${message}\n`);
  progress('Starting an in-memory Azurite');
  const { child, connectionString } = await startAzurite();
  const results: { module: BenchModule; figures: Figure[] }[] = [];
  try {
    const ctx: BenchContext = { connectionString, progress };
    for (const module of MODULES) {
      const figures = await module.run(ctx);
      for (const f of figures) process.stdout.write(`${figureLine(f)}\n`);
      results.push({ module, figures });
    }
  } finally {
    await stopAzurite(child);
  }
  writeFileSync(DOC, document(results));
  progress(`Written ${DOC}`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
