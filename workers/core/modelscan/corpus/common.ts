/** What every corpus file carries, and the model pieces the hostile variants share. */
import type { FindingKind, Verdict } from '../types';
import { dense, input, layer, sequential } from './keras';
import { lambdaPayload, OS_SYSTEM_LAMBDA } from './marshal';

export interface CorpusFile {
  name: string;
  expect: Verdict;
  /** The finding kind that must explain a non-safe verdict. */
  because?: FindingKind;
  bytes: () => Uint8Array;
}

export const LAMBDA = lambdaPayload(OS_SYSTEM_LAMBDA);
export const plainSequential = () =>
  sequential('sequential', [input([4]), dense('dense', 8), dense('dense_1', 1)]);
export const withLayer = (extra: object) =>
  sequential('sequential', [input([4]), dense('dense', 8), extra as never]);
export const fnRef = (module: string, name: string) =>
  layer('Lambda', {
    name: 'lambda',
    function: { module, class_name: 'function', config: name, registered_name: null },
  });
