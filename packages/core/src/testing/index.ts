export { describePluginContract, testContext, type ContractOptions } from './contract.js';
