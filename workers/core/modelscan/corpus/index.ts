/**
 * The model-file corpus: plain models as their libraries lay them out, and each hostile pattern, crafted in code
 * (no binary files). Each entry states the verdict a person expects and, for a non-safe file, the finding kind
 * that must explain it. Unit tests, the CLI test, the e2e and the benchmark all read this one list.
 */
import type { CorpusFile } from './common';
import { HOSTILE_KERAS } from './hostile-keras';
import { HOSTILE_OTHER } from './hostile-other';
import { PLAIN } from './plain';
import { SAVED_MODEL_CORPUS } from './savedmodel';

export type { CorpusFile };

export const CORPUS: readonly CorpusFile[] = [
  ...PLAIN,
  ...HOSTILE_KERAS,
  ...HOSTILE_OTHER,
  ...SAVED_MODEL_CORPUS,
];
