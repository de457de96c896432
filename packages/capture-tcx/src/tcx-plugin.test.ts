import { describePluginContract } from '@glia/core/testing';
import factory from './index.js';

// Starting attaches to devices of the test's own network namespace; that is done in namespaces
// the tests create (test/kernel), never on the host's devices, so the contract skips start here.
describePluginContract(factory, {
  config: { interfaces: ['glia0'], egress_interfaces: [] },
  skipStart: 'attaches to devices: covered in network namespaces by test/kernel',
});
