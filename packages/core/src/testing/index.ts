export { describePluginContract, enricherFields, testContext, type ContractOptions } from './contract.js';
export { fixtureCaptures, fixturesDir, hasTool, repoRoot, tsharkFields } from './fixtures.js';
export { seededRandom } from './seeded-random.js';
