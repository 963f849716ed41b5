/**
 * Hugging Face model folders' JSON: `config.json` and `generation_config.json` (transformers), `tokenizer_config.json`,
 * `tokenizer.json`, `special_tokens_map.json` and processor configs. They hold data, with two exceptions read here:
 * `auto_map` names Python classes in the model's own `.py` files, which transformers imports and runs when a model is
 * loaded with `trust_remote_code=True`; and a `chat_template` is Jinja that the loading program renders, checked as a
 * GGUF file's is (gguf.ts).
 */
import { quote, type ScanContext } from './context';
import { templateFinding } from './gguf';
import { isObject } from './json';

/** Keys only these files have at their top: transformers' and tokenizers' own. */
const MARKERS = [
  'transformers_version',
  'model_type',
  'architectures',
  'tokenizer_class',
  'chat_template',
  'processor_class',
  'image_processor_type',
  'feature_extractor_type',
];

/** Whether the JSON object is one of a Hugging Face model folder's files. */
export function isHuggingFaceJson(json: Record<string, unknown>): boolean {
  if (MARKERS.some((key) => Object.hasOwn(json, key))) return true;
  // tokenizer.json (the tokenizers library): a model with a type, and its added tokens.
  if (isObject(json.model) && typeof json.model.type === 'string' && Array.isArray(json.added_tokens))
    return true;
  // special_tokens_map.json: only special tokens.
  const keys = Object.keys(json);
  return keys.length > 0 && keys.every((k) => k.endsWith('_token') || k === 'additional_special_tokens');
}

/** The strings of an `auto_map` value: a class reference, or a list of them (a tokenizer's slow and fast classes). */
function references(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function scanHuggingFaceJson(json: Record<string, unknown>, ctx: ScanContext, where: string): void {
  const autoMap = json.auto_map;
  if (autoMap !== undefined) {
    const refs = isObject(autoMap) ? Object.values(autoMap).flatMap(references) : references(autoMap);
    ctx.add({
      severity: 'high',
      kind: 'module',
      location: `${where}: auto_map`,
      sentence: `The config names Python classes in the model's own files (${
        refs
          .slice(0, 5)
          .map((r) => quote(r, 80))
          .join(', ') || 'none named'
      }); transformers imports and runs that code when the model is loaded with trust_remote_code=True.`,
      references: refs.slice(0, 100),
    });
  }
  const template = json.chat_template;
  const templates: Array<[string, unknown]> = Array.isArray(template)
    ? template.map((t, i) => [`chat_template[${i}]`, isObject(t) ? t.template : t])
    : [['chat_template', template]];
  for (const [at, text] of templates) {
    const finding = typeof text === 'string' ? templateFinding(text, `${where}: ${at}`) : null;
    if (finding) ctx.add(finding);
  }
}
