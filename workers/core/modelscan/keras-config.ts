/**
 * Walks a Keras model config (config.json of a .keras archive, `model_config`/`training_config` of a legacy .h5, the
 * `modelTopology` of a TF.js layers model) recursively: every object at every depth, so Lambdas nested in
 * Sequential and Functional sub-models or wrapped in TimeDistributed/Bidirectional are found as surely as top-level
 * ones. Findings: Lambda layers and `__lambda__` payloads (with the names their bytecode references), `module`s
 * outside Keras, custom objects by `registered_name`, and Keras APIs that are not modelling (downloads, loading
 * other models, switching safe_mode off), after keras/src/saving/serialization_lib.py.
 */
import { quote, type ScanContext } from './context';
import { childPath, isObject } from './json';
import { listMarshalledCode, referencesOf } from './marshal';

/** Keras APIs that safe_mode refuses (serialization_lib.NON_MODELING_APIS, CVE-2025-8747/9906). */
const NON_MODELLING = new Set([
  'keras.backend.clear_session',
  'keras.config.enable_unsafe_deserialization',
  'keras.models.load_model',
  'keras.models.model_from_json',
  'keras.models.save_model',
  'keras.preprocessing.image_dataset_from_directory',
  'keras.preprocessing.image.load_img',
  'keras.preprocessing.image.save_img',
  'keras.preprocessing.text_dataset_from_directory',
  'keras.saving.deserialize_keras_object',
  'keras.saving.load_model',
  'keras.saving.load_weights',
  'keras.saving.register_keras_serializable',
  'keras.saving.save_model',
  'keras.saving.save_weights',
  'keras.saving.serialize_keras_object',
  'keras.utils.audio_dataset_from_directory',
  'keras.utils.clear_session',
  'keras.utils.deserialize_keras_object',
  'keras.utils.get_file',
  'keras.utils.image_dataset_from_directory',
  'keras.utils.load_img',
  'keras.utils.register_keras_serializable',
  'keras.utils.save_img',
  'keras.utils.serialize_keras_object',
  'keras.utils.text_dataset_from_directory',
]);
/** Keras modules that hold no modelling object at all. */
const NON_MODELLING_MODULES = new Set([
  'saving',
  'config',
  'callbacks',
  'datasets',
  'applications',
  'utils',
  'preprocessing',
  'export',
  'distribution',
  'visualization',
  'tree',
]);
/** Keras modules whose functions are modelling functions (activations, losses, …). */
const FUNCTION_MODULES = new Set([
  'activations',
  'losses',
  'metrics',
  'initializers',
  'regularizers',
  'constraints',
  'ops',
  'random',
  'layers',
  'optimizers',
]);
const KERAS_PACKAGES = new Set(['keras', 'keras_hub', 'keras_cv', 'keras_nlp', 'tf_keras']);
/** TF ops a Keras 2 TFOpLambda may name that reach files, Python or the network. */
const RISKY_TF_OP =
  /(^|\.)(io|gfile|py_func|py_function|numpy_function|eager_py_func|summary|saved_model|data|distribute|lookup|file|write|read|load|save|system|compat\.v1\.(py_func|io|gfile))(\.|$)/i;
/** A base64 string that decodes to a marshalled code object starts `4w` (0xE3, 'c' with the ref flag) or `Yw`. */
const BYTECODE_PREFIX = /^\s*(4w|Yw)[A-Za-z0-9+/]{18}/;

export function walkKerasConfig(config: unknown, ctx: ScanContext, where: string): void {
  walk(config, '', ctx, where, 0, new Set());
}

function walk(
  value: unknown,
  path: string,
  ctx: ScanContext,
  where: string,
  depth: number,
  handled: Set<string>,
): void {
  ctx.tick(where);
  if (depth > ctx.limits.maxJsonDepth)
    ctx.refuse('limit', `${where}: ${path}`, 'The config nests deeper than the cap.');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) walk(value[i], childPath(path, i), ctx, where, depth + 1, handled);
    return;
  }
  if (typeof value === 'string') {
    if (!handled.has(path) && BYTECODE_PREFIX.test(value)) bytecodeString(value, path, ctx, where);
    return;
  }
  if (!isObject(value)) return;
  inspect(value, path, ctx, where, handled);
  for (const key of Object.keys(value))
    walk(value[key], childPath(path, key), ctx, where, depth + 1, handled);
}

/** Decodes base64 text and lists the code object in it, or null when it is not marshalled bytecode. */
export function decodeBytecode(text: string): ReturnType<typeof listMarshalledCode> {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return null;
  let binary: string;
  try {
    binary = atob(clean);
  } catch {
    return null; // not base64 after all: not bytecode
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return listMarshalledCode(bytes);
}

function bytecodeString(text: string, path: string, ctx: ScanContext, where: string): void {
  const listing = decodeBytecode(text);
  if (!listing) return;
  const refs = referencesOf(listing.code);
  ctx.add({
    severity: 'critical',
    kind: 'bytecode',
    location: `${where}: ${path}`,
    sentence: `The value is marshalled Python ${listing.python} bytecode (function ${quote(listing.code.name)}), which a loader that rebuilds functions runs; it references ${describeRefs(refs)}.`,
    references: refs,
  });
}

function describeRefs(refs: string[]): string {
  if (refs.length === 0) return 'no names or constants';
  const shown = refs.slice(0, 24).join(', ');
  return refs.length > 24 ? `${shown} and ${refs.length - 24} more` : shown;
}

function lambdaCode(fn: unknown, handledPath: string, handled: Set<string>) {
  // Keras 2: ["<base64 marshal>", defaults, closure]; Keras 3: {"class_name": "__lambda__", "config": {"code": …}}.
  let code: unknown;
  let codePath = handledPath;
  if (Array.isArray(fn)) {
    code = fn[0];
    codePath = `${handledPath}[0]`;
  } else if (typeof fn === 'string') code = fn;
  else if (isObject(fn) && fn.class_name === '__lambda__' && isObject(fn.config)) {
    code = fn.config.code ?? fn.config.value;
    codePath = childPath(childPath(handledPath, 'config'), fn.config.code !== undefined ? 'code' : 'value');
  }
  if (typeof code !== 'string') return null;
  const listing = decodeBytecode(code);
  if (listing) handled.add(codePath);
  return listing;
}

function inspect(
  obj: Record<string, unknown>,
  path: string,
  ctx: ScanContext,
  where: string,
  handled: Set<string>,
): void {
  const location = `${where}: ${path || '(root)'}`;
  const cls = typeof obj.class_name === 'string' ? obj.class_name : null;
  const inner = isObject(obj.config) ? obj.config : null;
  const layerName = inner && typeof inner.name === 'string' ? ` ${quote(inner.name)}` : '';
  if (cls === '__lambda__') {
    const listing = lambdaCode(obj, path, handled);
    const refs = listing ? referencesOf(listing.code) : [];
    ctx.add({
      severity: 'critical',
      kind: 'lambda',
      location,
      sentence: listing
        ? `A Python lambda is serialized here as Python ${listing.python} bytecode, which Keras runs when safe_mode is off; it references ${describeRefs(refs)}.`
        : 'A Python lambda (__lambda__) is serialized here; Keras rebuilds it from bytecode when safe_mode is off, and the scanner could not read that bytecode.',
      references: refs,
    });
  } else if (cls === 'Lambda' || cls?.endsWith('>Lambda')) {
    const fn = inner?.function;
    const listing = inner ? lambdaCode(fn, childPath(childPath(path, 'config'), 'function'), handled) : null;
    const refs = listing ? referencesOf(listing.code) : [];
    const what = listing
      ? `its function is Python ${listing.python} bytecode that references ${describeRefs(refs)}`
      : isObject(fn) && fn.class_name === '__lambda__'
        ? 'its function is a serialized Python lambda'
        : typeof fn === 'string'
          ? `its function is looked up by the name ${quote(fn)} in the loading program`
          : isObject(fn)
            ? `its function is ${quote(`${String(fn.module ?? '')}.${String(fn.config ?? fn.class_name ?? '')}`)}`
            : 'its function could not be read';
    ctx.add({
      severity: 'critical',
      kind: 'lambda',
      location,
      sentence: `Lambda layer${layerName} runs arbitrary Python when the model is loaded or called; ${what}.`,
      references: refs,
    });
  } else if (
    (cls === 'TFOpLambda' || cls === 'SlicingOpLambda') &&
    inner &&
    typeof inner.function === 'string'
  ) {
    if (RISKY_TF_OP.test(inner.function)) {
      ctx.add({
        severity: 'high',
        kind: 'non-modelling-api',
        location,
        sentence: `The ${cls} layer${layerName} calls the TensorFlow function ${quote(inner.function)}, which reaches files, Python or the network rather than computing on tensors.`,
        references: [inner.function],
      });
    }
  }
  for (const key of ['function_type', 'output_shape_type']) {
    if (obj[key] === 'lambda' && cls !== 'Lambda') {
      const target = key === 'function_type' ? 'function' : 'output_shape';
      const listing = lambdaCode(obj[target], childPath(path, target), handled);
      ctx.add({
        severity: 'critical',
        kind: 'lambda',
        location: `${where}: ${childPath(path, target)}`,
        sentence: `This ${cls ? quote(cls) : 'object'} carries a Python lambda (${key} "lambda") that Keras rebuilds from bytecode${listing ? `; it references ${describeRefs(referencesOf(listing.code))}` : ''}.`,
        references: listing ? referencesOf(listing.code) : [],
      });
    }
  }
  if (cls !== null && 'module' in obj) checkModule(obj, cls, location, ctx);
  if (typeof obj.spec_name === 'string' && typeof obj.module === 'string' && cls === '__typespec__') {
    checkModule(obj, obj.spec_name, location, ctx);
  }
}

function checkModule(obj: Record<string, unknown>, cls: string, location: string, ctx: ScanContext): void {
  const module = obj.module;
  const fnName = cls === 'function' && typeof obj.config === 'string' ? obj.config : null;
  const name = fnName ?? cls;
  const registered = typeof obj.registered_name === 'string' ? obj.registered_name : null;
  if (registered && registered !== cls && registered !== fnName) {
    ctx.add({
      severity: 'high',
      kind: 'custom-object',
      location,
      sentence: `The config asks for the registered custom object ${quote(registered)}; its code is not in the file, and whatever the loading program registered under that name runs.`,
      references: [registered],
    });
  }
  if (module === null || module === undefined) return;
  if (typeof module !== 'string') {
    ctx.add({
      severity: 'high',
      kind: 'module',
      location,
      sentence:
        'The config gives a module that is not a string, which a loader may resolve in unexpected ways.',
    });
    return;
  }
  const parts = module.split('.');
  const pkg = parts[0] as string;
  if (module === 'builtins' && fnName !== null && /^\w+$/.test(fnName)) return; // a Keras built-in function by name
  if (!KERAS_PACKAGES.has(pkg)) {
    ctx.add({
      severity: 'high',
      kind: 'module',
      location,
      sentence: `The config resolves ${quote(`${module}.${name}`)} from a module outside Keras; safe_mode refuses it, and a loader without safe_mode imports that module.`,
      references: [`${module}.${name}`],
    });
    return;
  }
  if (pkg !== 'keras' && pkg !== 'tf_keras') return;
  const rest = parts.slice(1).filter((p) => p !== 'src');
  const segment = rest[0] ?? '';
  const api = ['keras', ...rest, name].join('.');
  const nonModelling =
    NON_MODELLING.has(api) ||
    NON_MODELLING.has(`keras.${segment}.${name}`) ||
    NON_MODELLING_MODULES.has(segment) ||
    (fnName !== null && !FUNCTION_MODULES.has(segment));
  if (nonModelling) {
    ctx.add({
      severity: 'high',
      kind: 'non-modelling-api',
      location,
      sentence: `The config calls ${quote(api)}, a Keras API that builds no part of a model (such APIs download files, load other models or turn safe_mode off); Keras refuses them in safe_mode since CVE-2025-8747 and CVE-2025-9906.`,
      references: [api],
    });
  }
}
