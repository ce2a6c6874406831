/** @type {import('jest').Config} */
// Type errors are caught by `npm run typecheck`; here ts-jest only transpiles, which is much faster.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  // @microsoft/app-manifest loads the ESM-only strip-bom 5, which Jest on Node 20 cannot require.
  moduleNameMapper: { '^strip-bom$': '<rootDir>/test/support/strip-bom.js' },
};

module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    // Fault experiments (issue #9): slow on purpose, run by `npm run test:faults`, not `npm test`.
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
    // The load run (issue #9 item 6): alone after the fault experiments in `npm run test:faults`
    // (a 5 s bound: nothing else may share the processor), or `npm run test:load`.
    { ...common, displayName: 'load', testMatch: ['<rootDir>/test/load/**/*.test.ts'] },
  ],
};
