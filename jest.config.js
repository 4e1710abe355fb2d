// One jest config for every tier: small and medium specs live beside the code
// (*.spec.ts), end-to-end specs under test/ (*.e2e-spec.ts).
// NestJS 12 ships ESM only; Node 20's require(esm) covers the built app, but
// jest's own module loader does not, so jest compiles those packages to CJS.
const swc = JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8'));
delete swc.jsc.baseUrl;
delete swc.jsc.paths;
swc.sourceMaps = 'inline';

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{apps,libs,test,scripts,bench,migrations}/**/*.{spec,e2e-spec}.ts'],
  transform: { '^.+\\.(t|j|mj|cj)s$': ['<rootDir>/test/jest/transform.js', swc] },
  transformIgnorePatterns: [],
  moduleNameMapper: {
    '^@carve/dom0-sim$': '<rootDir>/apps/dom0-sim/src',
    '^@carve/migrations$': '<rootDir>/migrations',
    '^@carve/([^/]+)$': '<rootDir>/libs/$1/src',
  },
  testTimeout: 30000,
  maxWorkers: 2,
};
