/**
 * JSON model files: a TF.js model.json (tensorflow/tfjs-converter's format: `modelTopology`, `weightsManifest` of
 * {paths, weights}), a bare Keras config, or a sharded-weights index (`weight_map`). Weight paths must stay in the
 * model's folder and its origin: tf.loadLayersModel fetches each path relative to model.json, so an absolute URL
 * or a `..` step fetches from elsewhere.
 */
import { quote, type ScanContext } from './context';
import { isHuggingFaceJson, scanHuggingFaceJson } from './hf-json';
import { isObject } from './json';
import { walkKerasConfig } from './keras-config';
import type { ModelFormat } from './types';

const TFJS_DTYPES = new Set(['float32', 'int32', 'bool', 'string', 'complex64']);
const QUANTIZED = new Set(['uint8', 'uint16', 'float16']);
/** Graph-model ops that read or write files or call Python (TF.js has no kernel for them; TensorFlow does). */
const RISKY_OPS = new Set([
  'ReadFile',
  'WriteFile',
  'MatchingFiles',
  'PyFunc',
  'PyFuncStateless',
  'EagerPyFunc',
  'Save',
  'SaveV2',
  'Restore',
  'RestoreV2',
  'PrintV2',
  'ImmutableConst',
  'LoadAndRemapMatrix',
]);
const MAX_WEIGHTS = 1_000_000;

/** Why a weight path would be fetched from outside the model's folder or origin, or null. */
export function weightPathProblem(path: string): string | null {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return 'is not a valid URL path';
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(decoded)) return 'is an absolute URL';
  if (decoded.startsWith('//')) return 'is a protocol-relative URL (another host)';
  if (decoded.startsWith('/') || decoded.startsWith('\\')) return 'is an absolute path';
  if (decoded.includes('\\')) return 'contains a backslash';
  if (decoded.split(/[/\\]/).includes('..')) return 'climbs out of the folder with ".."';
  if (/[?#]/.test(decoded)) return 'carries a query or fragment';
  return null;
}

function checkPath(path: unknown, location: string, ctx: ScanContext): void {
  if (typeof path !== 'string') ctx.refuse('malformed', location, 'A weight path is not a string.');
  const problem = weightPathProblem(path);
  if (problem) {
    ctx.add({
      severity: 'high',
      kind: 'weight-path',
      location,
      sentence: `The weight path ${quote(path)} ${problem}, so loading the model fetches data from outside its folder or origin.`,
      references: [path],
    });
  }
}

export function scanModelJson(json: unknown, ctx: ScanContext, where: string): ModelFormat {
  if (!isObject(json))
    ctx.refuse(
      'unsupported',
      where,
      'The JSON is not an object, so it is no model format the scanner knows.',
    );
  if ('modelTopology' in json || 'weightsManifest' in json) {
    scanTfjs(json, ctx, where);
    return 'tfjs';
  }
  if (isObject(json.weight_map)) {
    for (const [name, file] of Object.entries(json.weight_map))
      checkPath(file, `${where}: weight_map[${quote(name)}]`, ctx);
    return 'json';
  }
  if (typeof json.class_name === 'string' && 'config' in json) {
    walkKerasConfig(json, ctx, where);
    return 'keras-config';
  }
  if (isHuggingFaceJson(json)) {
    scanHuggingFaceJson(json, ctx, where);
    return 'hf-json';
  }
  ctx.refuse(
    'unsupported',
    where,
    'The JSON is neither a TF.js model.json, a Keras config nor a Hugging Face config or tokenizer file, so the scanner cannot judge it.',
  );
}

function scanTfjs(json: Record<string, unknown>, ctx: ScanContext, where: string): void {
  const topology = json.modelTopology;
  if (json.format === 'graph-model' && isObject(topology) && Array.isArray(topology.node)) {
    topology.node.forEach((node, i) => {
      if (isObject(node) && typeof node.op === 'string' && RISKY_OPS.has(node.op)) {
        ctx.add({
          severity: 'high',
          kind: 'non-modelling-api',
          location: `${where}: modelTopology.node[${i}]`,
          sentence: `The graph runs the op ${quote(node.op)}, which reads or writes files or calls Python in TensorFlow (TF.js cannot run it).`,
          references: [node.op],
        });
      }
    });
  } else if (topology !== undefined) walkKerasConfig(topology, ctx, `${where}: modelTopology`);
  const manifest = json.weightsManifest;
  if (manifest === undefined) return;
  if (!Array.isArray(manifest))
    ctx.refuse('malformed', `${where}: weightsManifest`, 'weightsManifest is not a list.');
  let count = 0;
  manifest.forEach((group, g) => {
    const at = `${where}: weightsManifest[${g}]`;
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      ctx.refuse('malformed', at, 'A weights group lacks its paths or weights list.');
    }
    group.paths.forEach((path, i) => {
      checkPath(path, `${at}.paths[${i}]`, ctx);
    });
    group.weights.forEach((weight, i) => {
      if (++count > MAX_WEIGHTS)
        ctx.refuse('limit', at, `The manifest lists more than ${MAX_WEIGHTS} weights.`);
      const wat = `${at}.weights[${i}]`;
      if (!isObject(weight) || typeof weight.name !== 'string')
        ctx.refuse('malformed', wat, 'A weight entry lacks its name.');
      if (typeof weight.dtype !== 'string' || !TFJS_DTYPES.has(weight.dtype)) {
        ctx.refuse(
          'malformed',
          wat,
          `Weight ${quote(weight.name)} has dtype ${quote(String(weight.dtype))}, which TF.js does not know.`,
        );
      }
      if (!Array.isArray(weight.shape) || !weight.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        ctx.refuse(
          'malformed',
          wat,
          `Weight ${quote(weight.name)} has a shape that is not a list of non-negative integers.`,
        );
      }
      const q = weight.quantization;
      if (q !== undefined && (!isObject(q) || typeof q.dtype !== 'string' || !QUANTIZED.has(q.dtype))) {
        ctx.refuse('malformed', wat, `Weight ${quote(weight.name)} has a quantization TF.js does not know.`);
      }
    });
  });
}
