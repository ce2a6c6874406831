/**
 * Consistency of the deployment files, which cannot be compiled or run here (no az/bicep CLI,
 * no Docker engine): infra/azure.bicep and its parameters, the Microsoft 365 Agents Toolkit
 * project files (m365agents*.yml, env/), the Dockerfile, and the settings the app reads.
 * Bicep is read as text; the app's settings are read from src/config.ts's zod schema (through
 * the TypeScript compiler) and from every `process.env.X` in src/, so that a setting added to
 * the app later must be added to the deployment (or to NOT_DEPLOYED below, with a reason).
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config';
import { TABLE_NAMES } from '../../src/storage/tables';
import { parseDotenv } from '../../scripts/app-package/environment';
import { DEPLOY_DIR } from '../../scripts/stage-deploy';

const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

// ---------------------------------------------------------------------------------------------
// What the app reads
// ---------------------------------------------------------------------------------------------

/** The keys of the `z.object({...})` that src/config.ts validates the environment with. */
function configSchemaKeys(): string[] {
  const file = 'src/config.ts';
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022, true);
  const schemas: Array<{ name: string; keys: string[] }> = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      ts.isCallExpression(node.initializer) &&
      node.initializer.expression.getText(source) === 'z.object' &&
      node.initializer.arguments[0] &&
      ts.isObjectLiteralExpression(node.initializer.arguments[0])
    ) {
      const keys = node.initializer.arguments[0].properties.flatMap((p) =>
        p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? [p.name.text] : [],
      );
      schemas.push({ name: node.name.text, keys });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const env = schemas.filter((s) => /env/i.test(s.name));
  if (env.length !== 1) {
    throw new Error(`expected one environment schema in ${file}, found ${JSON.stringify(schemas)}`);
  }
  return env[0].keys;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((entry) => {
    const path = `${dir}/${entry}`;
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Variables read directly from process.env anywhere in src/ (e.g. SLA_POLICY_FILE). */
function processEnvReads(): string[] {
  const names = new Set<string>();
  for (const file of sourceFiles('src')) {
    for (const m of read(file).matchAll(/process\.env(?:\.([A-Za-z_]\w*)|\[\s*'([^']+)'\s*\])/g)) {
      names.add(m[1] ?? m[2]);
    }
  }
  return [...names];
}

/** Every setting the app reads. */
const APP_READS = [...new Set([...configSchemaKeys(), ...processEnvReads()])].sort();

/**
 * Settings the app reads that the Azure deployment deliberately does not set. `forbidden`:
 * setting it in Azure would be a mistake, so the test also checks that it is absent.
 */
const NOT_DEPLOYED: Record<string, { reason: string; forbidden: boolean }> = {
  TEST_CLOCK: {
    reason: 'tests only: the settable clock never exists with NODE_ENV=production',
    forbidden: true,
  },
  AZURITE_PORT: {
    reason: 'only for the embedded Azurite, which runs when no storage is configured',
    forbidden: true,
  },
  AZURITE_LOCATION: {
    reason: 'only for the embedded Azurite, which runs when no storage is configured',
    forbidden: true,
  },
  PORT: {
    reason: 'App Service picks the port and passes it to the app as PORT',
    forbidden: false,
  },
  TABLES_CONNECTION_STRING: {
    reason: 'carries an account key; Azure uses TABLES_ACCOUNT_URL and the managed identity',
    forbidden: true,
  },
  MicrosoftAppPassword: {
    reason: "no password: the bot's identity is the user-assigned managed identity",
    forbidden: true,
  },
  EMAIL_INTAKE_TENANT_ID: {
    reason: 'Azure: e-mail tickets go to MicrosoftAppTenantId, the tenant the deployment serves',
    forbidden: false,
  },
};

// ---------------------------------------------------------------------------------------------
// infra/azure.bicep, read as text
// ---------------------------------------------------------------------------------------------

const BICEP = read('infra/azure.bicep');
/** The Bicep without comments, so that a commented-out line never counts. */
const CODE = BICEP.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

interface BicepParam {
  type: string;
  default?: string;
}

const PARAMS: Record<string, BicepParam> = Object.fromEntries(
  [...CODE.matchAll(/^param\s+(\w+)\s+(\w+)(?:\s*=\s*(.+))?$/gm)].map((m) => [
    m[1],
    { type: m[2], default: m[3]?.trim() },
  ]),
);

const OUTPUTS = [...CODE.matchAll(/^output\s+(\w+)\s+\w+\s*=/gm)].map((m) => m[1]);

const RESOURCES = [...CODE.matchAll(/^resource\s+(\w+)\s+'([^'@]+)@([^']+)'/gm)].map((m) => ({
  symbol: m[1],
  type: m[2],
  apiVersion: m[3],
}));

/** The body of `resource <symbol> ... = { ... }` or `... = [ ... ]`, by brace matching. */
function resourceBody(symbol: string): string {
  const start = CODE.search(new RegExp(`^resource\\s+${symbol}\\s`, 'm'));
  if (start < 0) throw new Error(`no resource ${symbol} in infra/azure.bicep`);
  const open = CODE.indexOf('=', start) + 1;
  let depth = 0;
  for (let i = open; i < CODE.length; i++) {
    if (CODE[i] === '{' || CODE[i] === '[') depth++;
    else if (CODE[i] === '}' || CODE[i] === ']') {
      depth--;
      if (depth === 0) return CODE.slice(start, i + 1);
    }
  }
  throw new Error(`unbalanced resource ${symbol}`);
}

/** `name: 'X', value: <expression>` pairs of the web app's settings (var appSettings). */
function appSettings(): Map<string, string> {
  const start = CODE.search(/^var appSettings\s*=/m);
  const end = CODE.indexOf('\nresource ', start);
  const block = CODE.slice(start, end);
  const settings = new Map<string, string>();
  // One setting a line: `{ name: 'X', value: <expression> }` (the expression may hold braces).
  for (const m of block.matchAll(/\{\s*name:\s*'([^']+)'\s*,\s*value:\s*(.*?)\s*\}\s*\]?\s*$/gm)) {
    if (settings.has(m[1])) throw new Error(`app setting ${m[1]} is set twice`);
    settings.set(m[1], m[2]);
  }
  return settings;
}
const SETTINGS = appSettings();

/** Settings only set when a parameter is not empty: `empty(param) ? [] : [{ name: 'X', ... }]`. */
const CONDITIONAL = new Map(
  [...CODE.matchAll(/empty\((\w+)\)\s*\?\s*\[\]\s*:\s*\[\{\s*name:\s*'([^']+)'/g)].map((m) => [
    m[2],
    m[1],
  ]),
);

/**
 * A plausible runtime value for a setting's Bicep expression: literals as written, parameters
 * at their default, references to deployed resources as a sample of the right shape.
 */
function sampleValue(expression: string): string {
  const literal = /^'([^']*)'$/.exec(expression);
  if (literal) {
    return literal[1].replace(/\$\{[^}]+\}/g, 'x');
  }
  const param = PARAMS[expression];
  if (param) return param.default ? sampleValue(param.default) : 'x';
  if (/\.clientId$|\.tenantId$/.test(expression)) return '8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f';
  return 'x';
}

// ---------------------------------------------------------------------------------------------
// The toolkit project files
// ---------------------------------------------------------------------------------------------

interface ToolkitAction {
  uses: string;
  name?: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}
type Project = Partial<Record<'provision' | 'deploy' | 'publish', ToolkitAction[]>> & {
  version: string;
  environmentFolderPath?: string;
};

const loadProject = (file: string): Project => parseYaml(read(file)) as Project;

const placeholders = (text: string): string[] => [
  ...new Set([...text.matchAll(/\$\{\{\s*([A-Za-z_]\w*)\s*\}\}/g)].map((m) => m[1])),
];

/** Variables the toolkit provides itself (it asks for the Azure ones when they are empty). */
const TOOLKIT_BUILT_INS = ['TEAMSFX_ENV', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME'];

/** Values an operator writes into env/.env.<name> before provisioning (kept empty in git). */
const OPERATOR_SET: Record<string, Record<string, string>> = {
  dev: { SUPPORT_ADMINS: 'Entra object ids of the people who may run the setup commands' },
  local: {
    SUPPORT_ADMINS: 'Entra object ids of the people who may run the setup commands',
    BOT_ENDPOINT: 'the dev tunnel address to port 3978',
    BOT_DOMAIN: 'the dev tunnel host name',
  },
};

const envFile = (env: string): Record<string, string> => parseDotenv(read(`env/.env.${env}`));

/** The files whose `${{NAME}}` an action resolves, besides its own `with`. */
function filesReadBy(action: ToolkitAction): string[] {
  const w = action.with ?? {};
  if (action.uses === 'arm/deploy') {
    return (w.templates as Array<{ parameters?: string }>).flatMap((t) =>
      t.parameters ? [t.parameters] : [],
    );
  }
  if (typeof w.manifestPath === 'string') {
    const manifest = w.manifestPath.replace(/^\.\//, '');
    const json = JSON.parse(read(manifest)) as {
      localizationInfo?: { additionalLanguages?: Array<{ file: string }> };
    };
    const dir = manifest.replace(/[^/]+$/, '');
    return [
      manifest,
      ...(json.localizationInfo?.additionalLanguages ?? []).map((l) => dir + l.file),
    ];
  }
  return [];
}

/** What an action adds to the environment: its writeToEnvironmentFile, a template's outputs. */
function writtenBy(action: ToolkitAction): string[] {
  const written = Object.values(action.writeToEnvironmentFile ?? {});
  if (action.uses === 'arm/deploy') {
    for (const t of (action.with?.templates ?? []) as Array<{ path: string }>) {
      const text = read(t.path.replace(/^\.\//, ''));
      written.push(...[...text.matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]));
    }
  }
  return written;
}

/**
 * Walks provision → deploy → publish in order and returns, for each `${{NAME}}` an action uses
 * (in its `with`, its parameters file, the manifest it packages), the ones that nothing before
 * it provides: a toolkit built-in, an operator setting, a value committed in env/.env.<env>,
 * an earlier action's writeToEnvironmentFile or a Bicep output.
 */
function unresolvedNames(file: string, env: string): string[] {
  const project = loadProject(file);
  const committed = Object.entries(envFile(env))
    .filter(([, v]) => v !== '')
    .map(([k]) => k);
  const available = new Set([
    ...TOOLKIT_BUILT_INS,
    ...Object.keys(OPERATOR_SET[env] ?? {}),
    ...committed,
  ]);
  const problems: string[] = [];
  for (const stage of ['provision', 'deploy', 'publish'] as const) {
    for (const [i, action] of (project[stage] ?? []).entries()) {
      const used = [
        ...placeholders(JSON.stringify(action.with ?? {})),
        ...filesReadBy(action).flatMap((f) => placeholders(read(f))),
      ];
      for (const name of new Set(used)) {
        if (!available.has(name)) {
          problems.push(`${file} ${stage}[${i}] ${action.uses}: \${{${name}}} is not provided`);
        }
      }
      for (const name of writtenBy(action)) available.add(name);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

describe('app settings: what the app reads is what Azure sets', () => {
  it('reads the variable names from src/config.ts and src/', () => {
    // The reading itself must work, or every test below would pass on an empty list.
    expect(APP_READS).toEqual(
      expect.arrayContaining(['MicrosoftAppId', 'TABLES_ACCOUNT_URL', 'PORT', 'SLA_POLICY_FILE']),
    );
  });

  it.each(APP_READS)('%s is set by infra/azure.bicep or excluded with a reason', (name) => {
    const excluded = NOT_DEPLOYED[name];
    if (excluded) expect(excluded.reason.length).toBeGreaterThan(10);
    else expect([...SETTINGS.keys()]).toContain(name);
  });

  it('excludes only settings the app reads, and never sets the forbidden ones', () => {
    for (const [name, { forbidden }] of Object.entries(NOT_DEPLOYED)) {
      expect(APP_READS).toContain(name);
      if (forbidden) expect(SETTINGS.has(name)).toBe(false);
    }
  });

  it('runs the bot as the user-assigned managed identity, with no secret', () => {
    expect(SETTINGS.get('NODE_ENV')).toBe("'production'");
    expect(SETTINGS.get('MicrosoftAppType')).toBe("'UserAssignedMSI'");
    expect(SETTINGS.get('MicrosoftAppId')).toBe('identity.properties.clientId');
    expect(SETTINGS.get('MicrosoftAppTenantId')).toBe('identity.properties.tenantId');
    // DefaultAzureCredential picks the user-assigned identity by this variable.
    expect(SETTINGS.get('AZURE_CLIENT_ID')).toBe('identity.properties.clientId');
    expect(SETTINGS.get('TABLES_ACCOUNT_URL')).toMatch(/\$\{storage\.name\}\.table\./);
    // No account key anywhere; the one secret parameter is the e-mail intake's shared key.
    expect(CODE).not.toMatch(/listKeys\(|AccountKey=/);
    const secure = [...CODE.matchAll(/@secure\(\)\s*(?:@.*\s*)*param\s+(\w+)/g)].map((m) => m[1]);
    expect(secure).toEqual(['emailIntakeSecret']);
    expect(SETTINGS.get('EMAIL_INTAKE_SECRET')).toBe('emailIntakeSecret');
  });

  it('gives values the app accepts (src/config.ts loadConfig)', () => {
    // With every parameter at its default: a setting conditional on an empty one is not set.
    const set = [...SETTINGS].filter(([k]) => {
      const param = CONDITIONAL.get(k);
      return !param || sampleValue(PARAMS[param].default ?? "''") !== '';
    });
    expect(set.length).toBeGreaterThan(10);
    const env = Object.fromEntries(set.map(([k, v]) => [k, sampleValue(v)]));
    const config = loadConfig(env);
    expect(config).toMatchObject({
      production: true,
      localMode: false,
      storage: { kind: 'accountUrl' },
      bot: { appType: 'UserAssignedMSI', appPassword: '' },
    });
    // A prefix, when given, must be valid too.
    expect(() => loadConfig({ ...env, TABLES_PREFIX: 'desk1' })).not.toThrow();
  });
});

describe('infra/azure.bicep', () => {
  const types = RESOURCES.map((r) => r.type);

  it('deploys the identity, the web app, the bot with Teams, storage and App Insights', () => {
    expect(types).toEqual(
      expect.arrayContaining([
        'Microsoft.ManagedIdentity/userAssignedIdentities',
        'Microsoft.Web/serverfarms',
        'Microsoft.Web/sites',
        'Microsoft.BotService/botServices',
        'Microsoft.BotService/botServices/channels',
        'Microsoft.Storage/storageAccounts',
        'Microsoft.Storage/storageAccounts/tableServices/tables',
        'Microsoft.Authorization/roleAssignments',
        'Microsoft.Insights/components',
      ]),
    );
  });

  it('uses GA API versions from 2022 on (or the latest GA one where none is newer)', () => {
    /** Types whose latest GA API version is older than 2022. */
    const LATEST_GA: Record<string, string> = { 'Microsoft.Insights/components': '2020-02-02' };
    for (const { type, apiVersion } of RESOURCES) {
      if (LATEST_GA[type]) expect(`${type}@${apiVersion}`).toBe(`${type}@${LATEST_GA[type]}`);
      else expect(`${type}@${apiVersion}`).toMatch(/@20(2[2-9]|[3-9]\d)-\d\d-\d\d$/);
    }
  });

  it('runs the web app on Linux with Node 22 LTS, the compiled server and a health check', () => {
    const site = resourceBody('webApp');
    expect(site).toContain("linuxFxVersion: 'NODE|22-lts'");
    expect(site).toMatch(/httpsOnly: true/);
    expect(site).toMatch(/healthCheckPath: '\/healthz'/);
    // The settings checked above are the ones the web app gets.
    expect(site).toContain('appSettings: concat(appSettings, tablesPrefixSetting)');
    // The start script without its prestart build (the package holds the build).
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(site).toContain(`appCommandLine: '${scripts.start}'`);
    expect(site).toMatch(/type: 'UserAssigned'[\s\S]*'\$\{identity\.id\}'/);
    expect(resourceBody('plan')).toMatch(/reserved: true/);
  });

  it('registers the bot as the managed identity, single tenant, with the Teams channel', () => {
    const bot = resourceBody('bot');
    expect(bot).toContain("msaAppType: 'UserAssignedMSI'");
    expect(bot).toContain('msaAppId: identity.properties.clientId');
    expect(bot).toContain('msaAppMSIResourceId: identity.id');
    expect(bot).toContain('msaAppTenantId: identity.properties.tenantId');
    expect(bot).toContain("endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'");
    expect(resourceBody('teamsChannel')).toContain("channelName: 'MsTeamsChannel'");
  });

  it('creates every table of src/storage/tables.ts, with the TABLES_PREFIX parameter', () => {
    const list = /^var tableNames\s*=\s*\[([^\]]*)\]/m.exec(CODE)?.[1] ?? '';
    const names = [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(names.sort()).toEqual([...TABLE_NAMES].sort());
    expect(resourceBody('tables')).toContain("name: '${tablesPrefix}${table}'");
  });

  it('refuses storage keys and makes the identity a Storage Table Data Contributor', () => {
    expect(resourceBody('storage')).toMatch(/allowSharedKeyAccess: false/);
    const role = resourceBody('tableDataContributor');
    expect(role).toContain('scope: storage');
    expect(role).toContain('principalId: identity.properties.principalId');
    expect(role).toContain("principalType: 'ServicePrincipal'");
    // The built-in role "Storage Table Data Contributor".
    expect(CODE).toContain(
      "var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'",
    );
    expect(role).toContain('storageTableDataContributor');
  });

  it('sends the web app to Application Insights', () => {
    expect(SETTINGS.get('APPLICATIONINSIGHTS_CONNECTION_STRING')).toBe(
      'appInsights.properties.ConnectionString',
    );
  });

  it('gets every parameter without a default from azure.parameters.json, and no unknown one', () => {
    const file = JSON.parse(read('infra/azure.parameters.json')) as {
      parameters: Record<string, unknown>;
    };
    const given = Object.keys(file.parameters);
    for (const name of given) expect(Object.keys(PARAMS)).toContain(name);
    for (const [name, p] of Object.entries(PARAMS)) {
      if (p.default === undefined) expect(given).toContain(name);
    }
  });
});

describe('Microsoft 365 Agents Toolkit project files', () => {
  const remote = loadProject('m365agents.yml');
  const local = loadProject('m365agents.local.yml');

  it('every ${{NAME}} the toolkit files use is provided before it is used (Azure: dev)', () => {
    expect(unresolvedNames('m365agents.yml', 'dev')).toEqual([]);
  });

  it('every ${{NAME}} the toolkit files use is provided before it is used (local)', () => {
    expect(unresolvedNames('m365agents.local.yml', 'local')).toEqual([]);
  });

  it('the check fails for a name no one provides (so it can fail)', () => {
    const without = { ...OPERATOR_SET.dev };
    try {
      delete OPERATOR_SET.dev.SUPPORT_ADMINS;
      expect(unresolvedNames('m365agents.yml', 'dev')).toEqual([
        expect.stringMatching(/provision\[1\] arm\/deploy: \$\{\{SUPPORT_ADMINS\}\}/),
      ]);
    } finally {
      OPERATOR_SET.dev = without;
    }
  });

  it('uses the Bicep outputs the manifest and the deployment need', () => {
    expect(OUTPUTS).toEqual(
      expect.arrayContaining(['BOT_ID', 'BOT_DOMAIN', 'BOT_AZURE_APP_SERVICE_RESOURCE_ID']),
    );
    const arm = remote.provision?.find((a) => a.uses === 'arm/deploy');
    expect(arm?.with?.templates).toEqual([
      expect.objectContaining({
        path: './infra/azure.bicep',
        parameters: './infra/azure.parameters.json',
      }),
    ]);
  });

  it('lists every generated value in env/.env.dev, so an operator sees them', () => {
    const keys = Object.keys(envFile('dev'));
    for (const name of [...OUTPUTS, ...(remote.provision ?? []).flatMap(writtenBy)]) {
      expect(keys).toContain(name);
    }
    for (const name of Object.keys(OPERATOR_SET.dev)) expect(keys).toContain(name);
    for (const name of Object.keys(OPERATOR_SET.local)) {
      expect(Object.keys(envFile('local'))).toContain(name);
    }
  });

  it('provisions, deploys and publishes, packaging to appPackage/build/appPackage.<env>.zip', () => {
    const uses = (stage: ToolkitAction[] | undefined) => (stage ?? []).map((a) => a.uses);
    expect(uses(remote.provision)).toEqual(
      expect.arrayContaining(['teamsApp/create', 'arm/deploy', 'teamsApp/zipAppPackage']),
    );
    expect(uses(remote.deploy)).toContain('azureAppService/zipDeploy');
    expect(uses(remote.publish)).toContain('teamsApp/publishAppPackage');
    expect(uses(local.provision)).toEqual(
      expect.arrayContaining(['teamsApp/create', 'aadApp/create', 'botFramework/create']),
    );
    for (const project of [remote, local]) {
      const zip = project.provision?.find((a) => a.uses === 'teamsApp/zipAppPackage');
      expect(zip?.with?.outputZipPath).toBe('./appPackage/build/appPackage.${{TEAMSFX_ENV}}.zip');
    }
  });

  it('deploys the staged build (dist/ and production dependencies) to the web app', () => {
    const deploy = remote.deploy ?? [];
    const zipDeploy = deploy.find((a) => a.uses === 'azureAppService/zipDeploy');
    expect(zipDeploy?.with?.artifactFolder).toBe(`./${DEPLOY_DIR}`);
    expect(zipDeploy?.with?.resourceId).toBe('${{BOT_AZURE_APP_SERVICE_RESOURCE_ID}}');
    const steps = deploy.map((a) => (a.uses === 'script' ? String(a.with?.run) : a.uses));
    expect(steps).toEqual([
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'node dist/scripts/stage-deploy.js',
      'azureAppService/zipDeploy',
    ]);
    expect(deploy[1].with?.args).toBe('run build');
    expect(SETTINGS.get('WEBSITE_RUN_FROM_PACKAGE')).toBe("'1'");
  });

  it('writes local settings under the names the app reads, with a single-tenant bot', () => {
    const file = (local.deploy ?? []).find((a) => a.uses === 'file/createOrUpdateEnvironmentFile');
    const envs = (file?.with?.envs ?? {}) as Record<string, string>;
    expect(Object.keys(envs).length).toBeGreaterThan(0);
    for (const name of Object.keys(envs)) expect(APP_READS).toContain(name);
    expect(envs.MicrosoftAppType).toBe('SingleTenant');
    const aad = (local.provision ?? []).find((a) => a.uses === 'aadApp/create');
    expect(aad?.with?.signInAudience).toBe('AzureADMyOrg');
  });

  it('keeps the toolkit secrets out of git', () => {
    const ignored = read('.gitignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['env/.env.*.user', '.localConfigs']));
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages[stages.length - 1];
  const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

  it('builds in one stage and runs on Node 22 in a second, with production dependencies', () => {
    expect(stages).toHaveLength(2);
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=22$/m);
    for (const stage of stages) expect(stage).toMatch(/^node:\$\{NODE_VERSION\}-bookworm-slim/);
    expect(stages[0]).toMatch(/RUN npm ci /);
    expect(stages[0]).toMatch(/npm run build && npm prune --omit=dev/);
    expect(runtime).toContain(
      'COPY --from=build --chown=node:node /app/node_modules ./node_modules',
    );
    expect(runtime).toContain('COPY --from=build --chown=node:node /app/dist ./dist');
    expect(runtime).toMatch(/^USER node$/m);
  });

  it('starts with `npm start`, which runs the compiled server without rebuilding it', () => {
    expect(runtime.trim().split('\n').pop()).toBe('CMD ["npm", "start"]');
    // A heap limit keeps the process within a small plan's memory (docs/benchmarks.md).
    expect(scripts.start).toBe('node --max-old-space-size=160 dist/src/index.js');
    // prestart would run tsc, a dev dependency the image does not have: npm must skip it.
    expect(scripts.prestart).toBeDefined();
    expect(runtime).toMatch(/npm_config_ignore_scripts=true/);
    // tsconfig.build.json emits src/index.ts to dist/src/index.js.
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    const base = JSON.parse(read('tsconfig.json')) as { compilerOptions: Record<string, string> };
    expect(build.include).toContain('src');
    expect([base.compilerOptions.outDir, base.compilerOptions.rootDir]).toEqual(['dist', '.']);
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).toMatch(/EXPOSE 3978/);
  });

  it('keeps dependencies, builds, local data and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(
      expect.arrayContaining(['node_modules', 'dist', '.git', '.data', 'env/.env.*.user']),
    );
  });
});
