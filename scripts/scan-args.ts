/** The headless scan's command line: its options, their defaults and the messages for bad ones. */
import { parseCanaryKinds } from '../workers/core/canary/inject';
import { type CanaryKind, DEFAULT_CANARY_OPTIONS } from '../workers/core/canary/types';
import type { KnnMode } from '../workers/core/scores/types';
import { DEFAULT_CROSS_VAL_FOLDS } from '../workers/core/train/defaults';
import { DEFAULT_TRAIN_SETTINGS } from '../workers/core/train/trainer';

/** Backends the scan can run on in Node. */
export type ScanBackend = 'wasm' | 'cpu' | 'webgpu';
const SCAN_BACKENDS: readonly ScanBackend[] = ['wasm', 'cpu', 'webgpu'];
const KNN_MODES: readonly KnnMode[] = ['auto', 'exact', 'ivf'];

/** Parsed command line. */
export interface ScanArgs {
  file: string;
  label: string | null;
  id: string | null;
  /** CSV columns that are neither label, id nor feature (`--exclude`). */
  exclude: string[];
  /** Non-numeric CSV columns to one-hot encode (`--one-hot`). */
  oneHot: string[];
  /** `--help`: print the usage and stop. */
  help: boolean;
  epochs: number;
  seed: number;
  /** Batch size (its learning rate from `learningRateFor`); null: `batchSizeFor` the dataset's rows. */
  batchSize: number | null;
  folds: number;
  /** Epochs of each cross-validation fold; null: `crossValEpochsFor` the run's epochs. */
  cvEpochs: number | null;
  /** The tfjs backend; null: WASM, else CPU. */
  backend: ScanBackend | null;
  /** kNN search: exact, the approximate IVF index, or by size (`approximateAbove`). */
  knn: KnnMode;
  out: string;
  /** Calibrate the suspicion on canaries (default true; `--no-calibrate`). */
  calibrate: boolean;
  /** Canary rows as a fraction of the dataset's rows. */
  canaryRate: number;
  /** Canary kinds; null: every kind that fits the data. */
  canaryKinds: CanaryKind[] | null;
  canarySeed: number;
}

export const USAGE =
  'usage: npm run scan -- <file.csv | images.zip | image-folder> [--label COL] [--id COL] [--exclude COL,...] [--one-hot COL,...] [--epochs N] [--seed N] [--batch-size N] [--folds K] [--cv-epochs N] [--backend wasm|cpu|webgpu] [--knn auto|exact|ivf] [--out DIR] [--no-calibrate] [--canary-rate R] [--canary-kinds K1,K2,...] [--canary-seed N] [--help]';

/** A command line the scan cannot run; its message says what to change. */
export class UsageError extends Error {}

function oneOf<T extends string>(flag: string, text: string | undefined, options: readonly T[]): T {
  const found = options.find((o) => o === text);
  if (found === undefined) {
    throw new UsageError(
      `${flag} needs one of ${options.join(', ')}, got ${text === undefined ? 'nothing' : `"${text}"`}.`,
    );
  }
  return found;
}

function integer(flag: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min) {
    throw new UsageError(
      `${flag} needs an integer ≥ ${min}, got ${text === undefined ? 'nothing' : `"${text}"`}.`,
    );
  }
  return n;
}

function fraction(flag: string, text: string | undefined, max: number): number {
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !(n > 0 && n <= max)) {
    throw new UsageError(
      `${flag} needs a number above 0 and at most ${max}, got ${text === undefined ? 'nothing' : `"${text}"`}.`,
    );
  }
  return n;
}

function kinds(flag: string, text: string | undefined): CanaryKind[] {
  if (text === undefined) throw new UsageError(`${flag} needs a comma-separated list of kinds.`);
  try {
    return parseCanaryKinds(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Column names from a comma-separated list (`a,b`); the flag may be given again to add more. */
function columns(flag: string, text: string | undefined): string[] {
  const names = text?.split(',').map((name) => name.trim()) ?? [''];
  if (names.some((name) => name === '')) {
    throw new UsageError(
      `${flag} needs a comma-separated list of column names, got ${text === undefined ? 'nothing' : `"${text}"`}.`,
    );
  }
  return names;
}

/** Parses the scan's arguments (after `--`). */
export function parseScanArgs(argv: readonly string[]): ScanArgs {
  const args: ScanArgs = {
    file: '',
    label: null,
    id: null,
    exclude: [],
    oneHot: [],
    help: false,
    epochs: DEFAULT_TRAIN_SETTINGS.epochs,
    seed: DEFAULT_TRAIN_SETTINGS.seed,
    batchSize: null,
    folds: DEFAULT_CROSS_VAL_FOLDS,
    cvEpochs: null,
    backend: null,
    knn: 'auto',
    out: 'scan-out',
    calibrate: true,
    canaryRate: DEFAULT_CANARY_OPTIONS.rate,
    canaryKinds: null,
    canarySeed: DEFAULT_CANARY_OPTIONS.seed,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value.`);
      return v;
    };
    if (a === '--label') args.label = value();
    else if (a === '--id') args.id = value();
    else if (a === '--exclude') args.exclude.push(...columns(a, argv[++i]));
    else if (a === '--one-hot') args.oneHot.push(...columns(a, argv[++i]));
    else if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--epochs') args.epochs = integer(a, argv[++i], 1);
    else if (a === '--seed') args.seed = integer(a, argv[++i], 0);
    else if (a === '--batch-size') args.batchSize = integer(a, argv[++i], 1);
    else if (a === '--folds') args.folds = integer(a, argv[++i], 2);
    else if (a === '--cv-epochs') args.cvEpochs = integer(a, argv[++i], 1);
    else if (a === '--backend') args.backend = oneOf(a, argv[++i], SCAN_BACKENDS);
    else if (a === '--knn') args.knn = oneOf(a, argv[++i], KNN_MODES);
    else if (a === '--out') args.out = value();
    else if (a === '--no-calibrate') args.calibrate = false;
    else if (a === '--canary-rate') args.canaryRate = fraction(a, argv[++i], 0.5);
    else if (a === '--canary-kinds') args.canaryKinds = kinds(a, argv[++i]);
    else if (a === '--canary-seed') args.canarySeed = integer(a, argv[++i], 0);
    else if (a.startsWith('--')) throw new UsageError(`Unknown option ${a}.`);
    else if (args.file) throw new UsageError(`One file at a time: got "${args.file}" and "${a}".`);
    else args.file = a;
  }
  if (!args.file && !args.help) throw new UsageError('No CSV file, image zip or image folder given.');
  return args;
}
