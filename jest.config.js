/** Jest runs the TypeScript tests under test/ (test/lib mirrors lib/, test/tools mirrors tools/) through ts-jest. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true }] },
  // Synths happen in beforeAll; one test that takes this long is stuck, not slow.
  testTimeout: 30000,
};
