/** TensorFlow SavedModels and frozen graphs as TensorFlow wrote them (scripts/fixtures/test-savedmodel-files.py),
 * plain and hostile: graphs whose ops reach the file system, an asset outside the folder, a Keras Lambda. */
import { zipSync } from 'fflate';
import {
  FROZEN_PLAIN,
  FROZEN_READS_FILE,
  KERAS_METADATA_LAMBDA,
  SAVED_MODEL_FOLDERS,
  WRITES_FILE_TAR_GZ,
} from '../test-savedmodel-files';
import type { CorpusFile } from './common';
import { FIXED_TIME } from './time';

/** Base64 text's bytes. */
export const decode = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/** A folder of the fixture, by its name there: each file's bytes by its path in the folder, under `prefix`. */
export function savedModelFolder(name: string, prefix = ''): Record<string, Uint8Array> {
  const folder = SAVED_MODEL_FOLDERS.find((f) => f.name === name);
  if (!folder) throw new RangeError(`No SavedModel fixture named ${name}.`);
  return Object.fromEntries(
    Object.entries(folder.files).map(([path, b64]) => [`${prefix}${path}`, decode(b64)]),
  );
}

const graph = (name: string) => savedModelFolder(name)['saved_model.pb'] as Uint8Array;
/** The folder zipped as `model/…`, as an analyst zips it to hand it on. */
const zipped = (name: string) => zipSync(savedModelFolder(name, 'model/'), { mtime: FIXED_TIME });

export const SAVED_MODEL_CORPUS: readonly CorpusFile[] = [
  { name: 'savedmodel-plain.zip', expect: 'safe', bytes: () => zipped('plain') },
  { name: 'savedmodel-print-to-log.pb', expect: 'safe', bytes: () => graph('prints to the log') },
  { name: 'frozen-graph-plain.pb', expect: 'safe', bytes: () => decode(FROZEN_PLAIN) },
  {
    name: 'frozen-graph-read-file.pb',
    expect: 'unsafe',
    because: 'graph-op',
    bytes: () => decode(FROZEN_READS_FILE),
  },
  {
    name: 'savedmodel-write-file.zip',
    expect: 'unsafe',
    because: 'graph-op',
    bytes: () => zipped('writes a file'),
  },
  {
    name: 'savedmodel-read-file.pb',
    expect: 'unsafe',
    because: 'graph-op',
    bytes: () => graph('reads a file'),
  },
  {
    name: 'savedmodel-print-to-file.pb',
    expect: 'unsafe',
    because: 'graph-op',
    bytes: () => graph('prints to a file'),
  },
  {
    name: 'savedmodel-hub-write-file.tar.gz',
    expect: 'unsafe',
    because: 'graph-op',
    bytes: () => decode(WRITES_FILE_TAR_GZ),
  },
  {
    name: 'savedmodel-asset-outside.pb',
    expect: 'unsafe',
    because: 'weight-path',
    bytes: () => graph('asset outside the folder'),
  },
  {
    name: 'keras-metadata-lambda.pb',
    expect: 'unsafe',
    because: 'bytecode',
    bytes: () => decode(KERAS_METADATA_LAMBDA),
  },
];
