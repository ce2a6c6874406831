/**
 * `npm run validate:manifest [-- --env NAME | -- path/to/package.zip ...]`: validates built
 * Teams app packages offline against Microsoft's schema (the copy bundled with
 * @microsoft/app-manifest), checks the localization files, the icons' sizes and colours and the
 * zip's contents. Without arguments: the package of the same environment `npm run package` uses.
 * Exits 1, printing the schema's messages, when anything is wrong.
 */
import { existsSync, readFileSync } from 'fs';
import { relative, resolve } from 'path';
import { unzipSync } from 'fflate';
import { packagePath, projectRoot } from './app-package/build-package';
import { envNameFrom } from './app-package/environment';
import { validateAppPackage } from './app-package/validate-package';

async function main(): Promise<number> {
  const root = projectRoot();
  const args = process.argv.slice(2);
  const zips = args.filter((a) => a.endsWith('.zip')).map((a) => resolve(a));
  if (zips.length === 0) zips.push(packagePath(root, envNameFrom(args)));

  let failed = 0;
  for (const zip of zips) {
    const name = relative(root, zip);
    if (!existsSync(zip)) {
      console.error(`✗ ${name}: not found; build it first with npm run package`);
      failed++;
      continue;
    }
    const bytes = readFileSync(zip);
    const problems = await validateAppPackage(bytes);
    if (problems.length > 0) {
      console.error(`✗ ${name}: ${problems.length} problem(s)`);
      for (const p of problems) console.error(`  ${p}`);
      failed++;
    } else {
      const entries = unzipSync(bytes);
      const manifest = JSON.parse(Buffer.from(entries['manifest.json']).toString('utf8')) as {
        manifestVersion: string;
      };
      console.log(
        `✓ ${name}: valid against the Teams ${manifest.manifestVersion} schema (offline), ` +
          `localization and icons checked; ${Object.keys(entries).join(', ')}`,
      );
    }
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`npm run validate:manifest: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  },
);
