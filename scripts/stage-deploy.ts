/**
 * Stages what the Azure web app runs into dist/deploy/: the compiled server (dist/src and the
 * JSON files it imports) and the production dependencies only (`npm ci --omit=dev`). The
 * toolkit's deploy (m365agents.yml) runs it after `npm run build` and uploads the folder as is;
 * the web app starts it with `node dist/src/index.js` (infra/azure.bicep, appCommandLine).
 *
 * Usage (from the project root, after npm run build): node dist/scripts/stage-deploy.js
 */
import { spawnSync } from 'child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'fs';
import { join } from 'path';

/** Where the staged deployment goes; m365agents.yml uploads this folder (artifactFolder). */
export const DEPLOY_DIR = 'dist/deploy';

/** Folders of dist/ that are tools, not the server. */
const NOT_SERVER = new Set(['deploy', 'scripts', 'tools']);

export function stageDeploy(root: string): string {
  const dist = join(root, 'dist');
  const out = join(root, DEPLOY_DIR);
  if (!existsSync(join(dist, 'src', 'index.js'))) {
    throw new Error('dist/src/index.js is missing: run npm run build first');
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'dist'), { recursive: true });
  for (const entry of readdirSync(dist)) {
    if (!NOT_SERVER.has(entry))
      cpSync(join(dist, entry), join(out, 'dist', entry), { recursive: true });
  }
  for (const file of ['package.json', 'package-lock.json']) {
    copyFileSync(join(root, file), join(out, file));
  }
  const npm = spawnSync(
    'npm',
    ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'],
    {
      cwd: out,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    },
  );
  if (npm.status !== 0) throw new Error(`npm ci --omit=dev failed in ${out}`);
  return out;
}

if (require.main === module) {
  try {
    console.log(`staged ${stageDeploy(process.cwd())}`);
  } catch (e) {
    console.error(`stage-deploy: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
