/**
 * The model-file scanner's vocabulary (DESIGN §7): a file is read, never loaded; each scan ends in a verdict and a list
 * of findings, each a sentence an analyst can check against the file.
 */

/** `safe`: nothing found that runs code on load; `unsafe`: code could run, or a non-Keras callable would be resolved
 * on load; `refused`: malformed, unreadable by this scanner, or built to exhaust resources. */
export type Verdict = 'safe' | 'unsafe' | 'refused';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** The file types the scanner tells apart by their bytes (never by the file name). */
export const MODEL_FORMATS = [
  'keras',
  'keras-h5',
  'hdf5',
  'pickle',
  'pytorch',
  'pytorch-legacy',
  'numpy',
  'safetensors',
  'onnx',
  'onnx-data',
  'tf-savedmodel',
  'tf-graph',
  'tfjs',
  'keras-config',
  'zip',
  'tar',
  'gguf',
  'hf-json',
  'json',
  'unknown',
] as const;

export type ModelFormat = (typeof MODEL_FORMATS)[number];

/** What a finding is about. The refusal kinds (see REFUSAL_KINDS) make the verdict `refused`. */
export const FINDING_KINDS = [
  'lambda',
  'bytecode',
  'module',
  'custom-object',
  'non-modelling-api',
  'pickle-global',
  'pickle-call',
  'external-link',
  'soft-link',
  'external-storage',
  'virtual-dataset',
  'entry-name',
  'weight-path',
  'graph-op',
  'template',
  'unknown-entry',
  'torchscript',
  'trailing-data',
  'malformed',
  'limit',
  'unsupported',
] as const;

export type FindingKind = (typeof FINDING_KINDS)[number];

export const REFUSAL_KINDS: ReadonlySet<FindingKind> = new Set(['malformed', 'limit', 'unsupported']);

export interface Finding {
  severity: Severity;
  kind: FindingKind;
  /** Where in the file: a member and byte offset, a config path (`config.layers[1].config`) or an HDF5 path. */
  location: string;
  /** One sentence that explains the finding. */
  sentence: string;
  /** Names and constants referenced by code the scanner disassembled (a Lambda's `co_names`/`co_consts`). */
  references?: string[];
}

/** Caps on everything a file declares; a file over one is refused, and nothing is allocated from a declared size
 * beyond them. */
export interface ScanLimits {
  /** Largest file read at all (bytes). */
  maxFileBytes: number;
  /** Most entries in one archive. */
  maxEntries: number;
  /** Most bytes inflated from all compressed archive entries of one file. */
  maxInflatedBytes: number;
  /** Largest JSON text parsed (bytes) and its deepest nesting. */
  maxJsonBytes: number;
  maxJsonDepth: number;
  /** Most HDF5 objects (groups, datasets, heaps) visited. */
  maxHdf5Objects: number;
  /** Largest size a dataset may declare beyond what the file stores (bytes), and the expansion ratio over it. */
  maxDeclaredBytes: number;
  /** Most pickle stack items, memo entries and opcodes. */
  maxPickleItems: number;
  maxPickleOps: number;
  /** How deep archives and pickles may nest inside each other. */
  maxNesting: number;
  /** Wall-clock budget of one file's scan (ms). */
  timeBudgetMs: number;
  /** Most findings listed (more of the same kinds are counted, not listed). */
  maxFindings: number;
}

export const DEFAULT_LIMITS: ScanLimits = {
  maxFileBytes: 2 * 1024 ** 3,
  maxEntries: 10_000,
  maxInflatedBytes: 1024 ** 3,
  maxJsonBytes: 64 * 1024 ** 2,
  maxJsonDepth: 256,
  maxHdf5Objects: 200_000,
  maxDeclaredBytes: 4 * 1024 ** 3,
  maxPickleItems: 2_000_000,
  maxPickleOps: 50_000_000,
  maxNesting: 4,
  timeBudgetMs: 20_000,
  maxFindings: 500,
};

/** One file's scan: its identity, the format read from its bytes, the verdict and every finding. */
export interface ModelScanResult {
  file: string;
  bytes: number;
  sha256: string;
  format: ModelFormat;
  verdict: Verdict;
  findings: Finding[];
  /** Milliseconds the scan took. */
  elapsedMs: number;
}
