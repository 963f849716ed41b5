/**
 * TensorFlow SavedModels (savedmodel.ts, and their folders in zip and tar archives in archive.ts): the folders
 * tf.saved_model.save wrote (scripts/fixtures/test-savedmodel-files.py) pass, or name each node whose op reaches the
 * file system, each asset outside the folder and each Keras Lambda; a SavedModel is never taken for an ONNX model.
 * Frozen graphs (a bare GraphDef) are read the same way.
 */
import { gzipSync, strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decode, savedModelFolder } from './corpus/savedmodel';
import { looksLikeOnnx } from './onnx';
import { looksLikeGraphDef, looksLikeKerasMetadata, looksLikeSavedModel } from './savedmodel';
import { scanModelFile } from './scan';
import { sniff } from './sniff';
import { ONNX_FILES } from './test-onnx-files';
import {
  FROZEN_PLAIN,
  FROZEN_READS_FILE,
  KERAS_METADATA_LAMBDA,
  KERAS_METADATA_PLAIN,
  SAVED_MODEL_FOLDERS,
  WRITES_FILE_TAR_GZ,
} from './test-savedmodel-files';

const graphOf = (name: string) => savedModelFolder(name)['saved_model.pb'] as Uint8Array;
/** The folder as a zip, its files under `prefix`, with `extra` entries. */
const zipOf = (name: string, prefix = 'model/', extra: Record<string, Uint8Array> = {}) =>
  zipSync({ ...extra, ...savedModelFolder(name, prefix) });
const graphOps = (bytes: Uint8Array) =>
  scanModelFile('saved_model.pb', bytes)
    .findings.filter((f) => f.kind === 'graph-op')
    .flatMap((f) => f.references);

describe('SavedModels that tf.saved_model.save wrote', () => {
  it.each(SAVED_MODEL_FOLDERS.map((f) => [f.name, f] as const))('%s: its file-system ops, named', (_n, f) => {
    const result = scanModelFile('saved_model.pb', decode(f.files['saved_model.pb'] as string));
    expect(result.format).toBe('tf-savedmodel');
    expect(graphOps(decode(f.files['saved_model.pb'] as string))).toEqual(f.ops);
  });

  it('calls a graph safe only when nothing in it reaches the file system', () => {
    const verdicts = Object.fromEntries(
      SAVED_MODEL_FOLDERS.map((f) => [f.name, scanModelFile('saved_model.pb', graphOf(f.name)).verdict]),
    );
    expect(verdicts).toEqual({
      plain: 'safe',
      'writes a file': 'unsafe',
      'reads a file': 'unsafe',
      'lists files': 'unsafe',
      'prints to a file': 'unsafe',
      'prints to the log': 'safe',
      'asset beside the model': 'safe',
      'asset outside the folder': 'unsafe',
      'keras lambda in the object graph': 'unsafe',
    });
  });

  it('places a node in its function and says what the op does', () => {
    const [finding] = scanModelFile('saved_model.pb', graphOf('writes a file')).findings;
    expect(finding?.severity).toBe('high');
    expect(finding?.location).toMatch(
      /^saved_model\.pb: meta_graphs\[0\]\.graph_def\.library\.function\["__inference___call___\d+"\]\.node_def\["WriteFile"\]$/,
    );
    expect(finding?.sentence).toBe(
      "The node runs TensorFlow's WriteFile op, which writes the file its input names whenever the graph runs.",
    );
    const read = scanModelFile('saved_model.pb', graphOf('reads a file')).findings[0];
    expect(read?.sentence).toBe(
      "The node runs TensorFlow's ReadFile op, which reads the file its input names into the graph whenever the graph runs.",
    );
  });

  it('tells a print into a file from a print into the log', () => {
    const [toFile] = scanModelFile('saved_model.pb', graphOf('prints to a file')).findings;
    expect(toFile?.severity).toBe('high');
    expect(toFile?.sentence).toBe(
      'The node runs TensorFlow\'s PrintV2 op, which writes the tensors it prints to "/tmp/sift-inputs.txt" whenever the graph runs.',
    );
    const [toLog] = scanModelFile('saved_model.pb', graphOf('prints to the log')).findings;
    expect(toLog?.severity).toBe('medium');
    expect(toLog?.sentence).toBe(
      'The node runs TensorFlow\'s PrintV2 op, which prints tensors to "stderr" whenever the graph runs; it writes no file.',
    );
  });

  it('names an asset whose file lies outside the folder', () => {
    const result = scanModelFile('saved_model.pb', graphOf('asset outside the folder'));
    expect(result.findings).toEqual([
      {
        severity: 'high',
        kind: 'weight-path',
        location: 'saved_model.pb: meta_graphs[0].asset_file_def[0]',
        sentence:
          'The asset\'s file is "../../../etc/passwd", which climbs out of the folder with "..", so loading the model reads a file outside its folder.',
        references: ['../../../etc/passwd'],
      },
    ]);
  });

  it("finds a Keras Lambda's bytecode in the object graph's user object", () => {
    const result = scanModelFile('saved_model.pb', graphOf('keras lambda in the object graph'));
    const kinds = result.findings.map((f) => f.kind);
    expect(kinds).toContain('lambda');
    expect(kinds).toContain('bytecode');
    const bytecode = result.findings.find((f) => f.kind === 'bytecode');
    expect(bytecode?.location).toBe(
      'saved_model.pb: meta_graphs[0].object_graph_def.nodes[0]: config.function.items[0]',
    );
    expect(bytecode?.references).toContain('system');
  });

  it('never passes a graph cut short', () => {
    const bytes = graphOf('writes a file');
    for (let end = 1; end < bytes.length; end += 97) {
      expect(scanModelFile('saved_model.pb', bytes.subarray(0, end)).verdict).not.toBe('safe');
    }
  });
});

describe('frozen graphs (a bare GraphDef)', () => {
  it('passes a plain graph and names a node that reads a file', () => {
    const plain = scanModelFile('frozen.pb', decode(FROZEN_PLAIN));
    expect([plain.format, plain.verdict, plain.findings]).toEqual(['tf-graph', 'safe', []]);
    const reads = scanModelFile('frozen.pb', decode(FROZEN_READS_FILE));
    expect([reads.format, reads.verdict]).toEqual(['tf-graph', 'unsafe']);
    expect(reads.findings.map((f) => [f.kind, f.location])).toEqual([
      ['graph-op', 'frozen.pb: graph_def.node["ReadFile"]'],
    ]);
  });
});

describe('keras_metadata.pb beside a SavedModel', () => {
  it('passes plain layers and finds a Lambda with the os.system its code calls', () => {
    const plain = scanModelFile('keras_metadata.pb', decode(KERAS_METADATA_PLAIN));
    expect([plain.format, plain.verdict, plain.findings]).toEqual(['tf-savedmodel', 'safe', []]);
    const lambda = scanModelFile('keras_metadata.pb', decode(KERAS_METADATA_LAMBDA));
    expect(lambda.verdict).toBe('unsafe');
    const bytecode = lambda.findings.find((f) => f.kind === 'bytecode');
    expect(bytecode?.location).toBe('keras_metadata.pb: nodes[1]: config.function.items[0]');
    expect(bytecode?.references).toEqual(['__import__', 'system', '"os"', '"id"']);
  });
});

describe('SavedModel folders in archives', () => {
  it('reads a zipped folder: the graph scanned, the checkpoint and fingerprint taken as data', () => {
    const plain = scanModelFile('model.zip', zipOf('plain'));
    expect([plain.format, plain.verdict, plain.findings]).toEqual(['tf-savedmodel', 'safe', []]);
    const writes = scanModelFile('model.zip', zipOf('writes a file', ''));
    expect(writes.verdict).toBe('unsafe');
    expect(writes.findings[0]?.location).toMatch(/^model\.zip › saved_model\.pb: meta_graphs\[0\]/);
  });

  it('lists files a SavedModel does not hold and scans those that are model formats', () => {
    const pickle = strToU8("cposix\nsystem\n(S'id'\ntR.");
    const pickled = new Uint8Array([0x80, 0x02, ...pickle]);
    const result = scanModelFile(
      'model.zip',
      zipOf('plain', 'model/', { 'model/run.sh': strToU8('#!/bin/sh\nid\n'), 'model/assets/x.pkl': pickled }),
    );
    expect(result.verdict).toBe('unsafe');
    expect(result.findings.filter((f) => f.kind === 'unknown-entry').map((f) => f.location)).toEqual([
      'model.zip › model/run.sh',
    ]);
    expect(result.findings.some((f) => f.kind === 'pickle-call' || f.kind === 'pickle-global')).toBe(true);
  });

  it('scans each folder of several, a file belonging to the deepest', () => {
    const result = scanModelFile('models.zip', zipOf('writes a file', 'inner/', savedModelFolder('plain')));
    expect(result.verdict).toBe('unsafe');
    expect(result.findings.map((f) => f.location.split(':')[0])).toEqual([
      'models.zip › inner/saved_model.pb',
    ]);
  });

  it('reads a TF Hub .tar.gz, and scans another tar member by member', () => {
    const result = scanModelFile('model.tar.gz', decode(WRITES_FILE_TAR_GZ));
    expect([result.format, result.verdict]).toEqual(['tf-savedmodel', 'unsafe']);
    expect(result.findings[0]?.location).toMatch(/^model\.tar\.gz › gunzipped › \.\/saved_model\.pb: /);
    const tar = new Uint8Array(1024);
    tar.set(strToU8('notes.txt'), 0);
    tar.set(strToU8('00000000000'), 124);
    tar.set(strToU8('ustar\u000000'), 257);
    const other = scanModelFile('other.tar.gz', gzipSync(tar));
    expect([other.format, other.verdict]).toEqual(['unknown', 'refused']);
    expect(other.findings.map((f) => [f.location, f.sentence.slice(0, 38)])).toEqual([
      ['other.tar.gz › gunzipped › notes.txt', 'The bytes are no model format the scan'],
    ]);
  });
});

describe('telling a SavedModel from other protobufs', () => {
  it('takes SavedModels and Keras metadata for themselves and ONNX models for ONNX', () => {
    for (const f of SAVED_MODEL_FOLDERS)
      expect(sniff(decode(f.files['saved_model.pb'] as string))).toBe('savedmodel');
    expect(sniff(decode(KERAS_METADATA_LAMBDA))).toBe('keras-metadata');
    expect(sniff(decode(FROZEN_READS_FILE))).toBe('graph-def');
    expect(looksLikeGraphDef(decode(KERAS_METADATA_LAMBDA))).toBe(false);
    for (const f of ONNX_FILES) {
      const bytes = decode(f.base64);
      const looks = [looksLikeSavedModel, looksLikeKerasMetadata, looksLikeGraphDef, looksLikeOnnx].map((l) =>
        l(bytes),
      );
      expect(looks).toEqual([false, false, false, true]);
    }
  });

  it('leaves the fingerprint, JSON and text alone', () => {
    const fingerprint = savedModelFolder('plain')['fingerprint.pb'] as Uint8Array;
    expect(looksLikeSavedModel(fingerprint)).toBe(false);
    expect(looksLikeKerasMetadata(fingerprint)).toBe(false);
    expect(looksLikeGraphDef(fingerprint)).toBe(false);
    expect(looksLikeGraphDef(strToU8('\n\u0006\n\u0001x\u0012\u0001!'))).toBe(false);
    expect(looksLikeGraphDef(strToU8('\n\u0006\n\u0001x\u0012\u0001A'))).toBe(true);
    expect(sniff(strToU8('\n\n{"a": 1}'))).toBe('json');
    expect(looksLikeSavedModel(new Uint8Array([0x08, 0x01, 0x12, 0x05, 0x0a]))).toBe(false);
    expect(looksLikeSavedModel(new Uint8Array([0x08, 0x40, 0x12, 0x02, 0x0a, 0x00]))).toBe(false);
  });
});
