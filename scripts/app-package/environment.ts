import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

/**
 * Microsoft 365 Agents Toolkit environments: `env/.env.<name>` (committed) and
 * `env/.env.<name>.user` (secrets, git-ignored). The toolkit writes the ids it creates
 * (TEAMS_APP_ID, BOT_ID, BOT_DOMAIN, ...) into these files; `npm run package` reads them so
 * that the zip it builds is the one the toolkit would build.
 */

/**
 * The environment `npm run package` uses when none is named: committed sample ids that make a
 * valid package on a fresh clone (for CI and the Agents Playground). It is not an Azure
 * environment; it cannot be installed in a real tenant.
 */
export const DEFAULT_ENV = 'playground';

const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Parses the dotenv subset the toolkit writes: `KEY=value`, `# comments`, optional quotes. */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, '').trim();
    values[match[1]] = value;
  }
  return values;
}

/** `--env NAME` from the arguments, else TEAMSFX_ENV, else {@link DEFAULT_ENV}. */
export function envNameFrom(argv: string[], env: NodeJS.ProcessEnv = process.env): string {
  const i = argv.indexOf('--env');
  const name = i >= 0 ? argv[i + 1] : (env.TEAMSFX_ENV ?? DEFAULT_ENV);
  if (!name || !ENV_NAME.test(name)) throw new Error(`Invalid environment name: "${name ?? ''}"`);
  return name;
}

export interface Environment {
  name: string;
  values: Record<string, string>;
  /** the env files read, relative to the project root */
  files: string[];
}

/**
 * The values of environment `name`: `env/.env.<name>`, then `env/.env.<name>.user`, then the
 * process environment (so a shell or CI can override any of them). Empty values in the process
 * environment do not hide a file's value.
 */
export function readEnvironment(
  root: string,
  name: string,
  processEnv: NodeJS.ProcessEnv = process.env,
): Environment {
  if (!ENV_NAME.test(name)) throw new Error(`Invalid environment name: "${name}"`);
  const files = [`env/.env.${name}`, `env/.env.${name}.user`].filter((f) =>
    existsSync(join(root, f)),
  );
  if (!files.includes(`env/.env.${name}`)) {
    throw new Error(`No environment "${name}": env/.env.${name} does not exist`);
  }
  const values: Record<string, string> = { TEAMSFX_ENV: name };
  for (const file of files)
    Object.assign(values, parseDotenv(readFileSync(join(root, file), 'utf8')));
  for (const [key, value] of Object.entries(processEnv)) {
    if (value) values[key] = value;
  }
  values.TEAMSFX_ENV = name;
  return { name, values, files };
}
