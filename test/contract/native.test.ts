// The contract suites (the same files fake.test.ts runs) on the native backend + the Windows test doubles, inside
// Windows node.exe under Wine: npm run test:wine:contract (scripts/wine/contract.sh). Elsewhere every test is
// skipped and the suite's name says why.
import { describe } from 'vitest';
import { nativeBackendFactory, nativeDoublesAvailability } from '../native-subject';
import { vssContract } from './vss.contract';
import { vssWritersContract } from './vss-writers.contract';
import { vssInventoryContract } from './vss-inventory.contract';
import { miContract } from './mi.contract';
import { imapiContract } from './imapi2.contract';
import { axeContract } from './axe.contract';

const availability = nativeDoublesAvailability();
const title = availability.available ? 'native + doubles' : `native + doubles (skipped: ${availability.reason})`;

describe.skipIf(!availability.available)(title, () => {
  vssContract('native + doubles', nativeBackendFactory('vss'));
  vssWritersContract('native + doubles', nativeBackendFactory('vss'));
  vssInventoryContract('native + doubles', nativeBackendFactory('vss'));
  miContract('native + doubles', nativeBackendFactory('mi'));
  imapiContract('native + doubles', nativeBackendFactory('imapi2'));
  axeContract('native + doubles', nativeBackendFactory('axe'));
});
