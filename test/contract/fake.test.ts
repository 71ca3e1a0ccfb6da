import { createFakeBackend } from '../../lib/fake/index';
import { inspectFake, subjectOf, type BackendFactory } from './harness';
import { vssContract } from './vss.contract';
import { vssWritersContract } from './vss-writers.contract';
import { vssInventoryContract } from './vss-inventory.contract';
import { miContract } from './mi.contract';
import { imapiContract } from './imapi2.contract';
import { axeContract } from './axe.contract';

const fake: BackendFactory = (scenario) => {
  const backend = createFakeBackend(scenario);
  return subjectOf(backend, inspectFake(backend));
};

vssContract('fake', fake);
vssWritersContract('fake', fake);
vssInventoryContract('fake', fake);
miContract('fake', fake);
imapiContract('fake', fake);
axeContract('fake', fake);
