/** Unit, integration and infrastructure tests. Integration tests boot the real local runtime. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
    // middy ships ES modules only (docs/architecture.md "ES-module-only packages"): ts-jest turns them into CommonJS.
    '/node_modules/@middy/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true, allowJs: true, module: 'commonjs', target: 'es2022', esModuleInterop: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  // Their package.json exports only the `import` condition, which jest's CommonJS resolver does not use.
  moduleNameMapper: { '^@middy/([a-z-]+)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  testTimeout: 60000,
  maxWorkers: 2,
};
