/**
 * A Hugging Face model folder's JSON (hf-json.ts): data, but for `auto_map` (code in the folder's own `.py` files that
 * trust_remote_code runs) and a chat template that reaches Python internals. Shapes as transformers 4.x and
 * tokenizers write them.
 */
import { describe, expect, it } from 'vitest';
import { isHuggingFaceJson } from './hf-json';
import { scanModelFile } from './scan';

const scan = (json: unknown) =>
  scanModelFile('config.json', new TextEncoder().encode(JSON.stringify(json)), { clock: () => 0 });
const BERT = {
  architectures: ['BertForMaskedLM'],
  hidden_size: 768,
  model_type: 'bert',
  num_attention_heads: 12,
  torch_dtype: 'float32',
  transformers_version: '4.46.3',
  vocab_size: 30522,
};

describe('Hugging Face JSON files', () => {
  it('reads a model config, a tokenizer config with a chat template, tokenizer.json and the special tokens as data', () => {
    expect(scan(BERT)).toMatchObject({ format: 'hf-json', verdict: 'safe', findings: [] });
    const tokenizerConfig = {
      bos_token: '<s>',
      chat_template: "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' }}{% endfor %}",
      model_max_length: 32768,
      tokenizer_class: 'Qwen2Tokenizer',
    };
    expect(scan(tokenizerConfig)).toMatchObject({ format: 'hf-json', verdict: 'safe', findings: [] });
    const tokenizer = { version: '1.0', added_tokens: [], model: { type: 'BPE', vocab: { a: 0 } } };
    expect(scan(tokenizer)).toMatchObject({ format: 'hf-json', verdict: 'safe' });
    const special = { bos_token: '<s>', eos_token: '</s>', additional_special_tokens: ['<x>'] };
    expect(scan(special)).toMatchObject({ format: 'hf-json', verdict: 'safe' });
    expect(scan({ generation: 1 }).verdict).toBe('refused');
  });

  it("calls auto_map unsafe, naming the classes that trust_remote_code would import from the model's files", () => {
    const result = scan({
      ...BERT,
      auto_map: { AutoConfig: 'configuration_x.XConfig', AutoTokenizer: ['tokenization_x.XTok', null] },
    });
    expect(result.verdict).toBe('unsafe');
    expect(result.findings).toEqual([
      {
        severity: 'high',
        kind: 'module',
        location: 'config.json: auto_map',
        sentence:
          'The config names Python classes in the model\'s own files ("configuration_x.XConfig", "tokenization_x.XTok"); transformers imports and runs that code when the model is loaded with trust_remote_code=True.',
        references: ['configuration_x.XConfig', 'tokenization_x.XTok'],
      },
    ]);
    expect(scan({ ...BERT, auto_map: 'modeling_x.X' }).findings[0]?.references).toEqual(['modeling_x.X']);
  });

  it('checks a chat template, alone or in a list of named ones, as a GGUF file’s', () => {
    const hostile = "{{ cycler.__init__.__globals__.os.popen('id').read() }}";
    const one = scan({ tokenizer_class: 'X', chat_template: hostile });
    expect(one.findings.map((f) => [f.severity, f.kind, f.location])).toEqual([
      ['critical', 'template', 'config.json: chat_template'],
    ]);
    const named = scan({
      tokenizer_class: 'X',
      chat_template: [
        { name: 'default', template: '{{ messages }}' },
        { name: 'tool_use', template: hostile },
      ],
    });
    expect(named.findings.map((f) => f.location)).toEqual(['config.json: chat_template[1]']);
  });

  it('knows these files by keys only they have', () => {
    expect(isHuggingFaceJson({})).toBe(false);
    expect(isHuggingFaceJson({ a: 1 })).toBe(false);
    expect(isHuggingFaceJson({ bos_token: '<s>', other: 1 })).toBe(false);
    expect(isHuggingFaceJson({ model: { type: 'BPE' } })).toBe(false);
    expect(isHuggingFaceJson({ model_type: 'llama' })).toBe(true);
    expect(isHuggingFaceJson({ image_processor_type: 'ViTImageProcessor' })).toBe(true);
  });
});
