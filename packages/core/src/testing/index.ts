export { describePluginContract, enricherFields, testContext, type ContractOptions } from './contract.js';
export { fixtureCaptures, fixturesDir, hasTool, repoRoot, tsharkFields } from './fixtures.js';
export { seededRandom } from './seeded-random.js';
export { envFlag, hostHas, underCi } from './host-guard.js';
export { propertyRuns } from './property-seed.js';
