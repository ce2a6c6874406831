/**
 * `npm run package [-- --env NAME]`: builds appPackage/build/appPackage.<env>.zip, the Teams
 * app package to sideload or publish, with TEAMS_APP_ID, BOT_ID and BOT_DOMAIN filled from the
 * Agents Toolkit environment (env/.env.<env>, env/.env.<env>.user, then the process
 * environment). Without --env: TEAMSFX_ENV, else the committed `playground` sample ids.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join, relative } from 'path';
import {
  APP_PACKAGE_DIR,
  buildAppPackage,
  packagePath,
  projectRoot,
} from './app-package/build-package';
import { envNameFrom, readEnvironment } from './app-package/environment';

function main(): void {
  const root = projectRoot();
  const env = readEnvironment(root, envNameFrom(process.argv.slice(2)));
  let built: ReturnType<typeof buildAppPackage>;
  try {
    built = buildAppPackage(join(root, APP_PACKAGE_DIR), env.values);
  } catch (e) {
    throw new Error(
      `${(e as Error).message}\n  (environment ${env.name}: provision it first with the Agents ` +
        `Toolkit, or set the values in env/.env.${env.name} or the process environment)`,
      { cause: e },
    );
  }
  const out = packagePath(root, env.name);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, built.zip);
  // The rendered manifest beside the zip, as the toolkit leaves it, for reading and diffing.
  writeFileSync(
    join(dirname(out), `manifest.${env.name}.json`),
    `${JSON.stringify(built.manifest, null, 2)}\n`,
  );
  const bot = (built.manifest.bots as Array<{ botId: string }> | undefined)?.[0]?.botId;
  console.log(
    `${relative(root, out)}: ${built.files.join(', ')} (${built.zip.length} bytes)\n` +
      `  environment ${env.name} from ${env.files.join(', ')}: app id ${String(built.manifest.id)}, ` +
      `bot id ${bot ?? '-'}, domains ${JSON.stringify(built.manifest.validDomains ?? [])}`,
  );
}

try {
  main();
} catch (e) {
  console.error(`npm run package: ${(e as Error).message}`);
  process.exitCode = 1;
}
