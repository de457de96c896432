export { describePluginContract, testContext, type ContractOptions } from './contract.js';
export { fixturesDir, hasTool, repoRoot, tsharkFields } from './fixtures.js';
