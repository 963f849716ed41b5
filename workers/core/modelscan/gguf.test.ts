/**
 * GGUF (gguf.ts): files gguf-py wrote (test-gguf-files.ts) and files built here byte by byte. A chat template that
 * reaches Python's internals is unsafe; every length, count and tensor is checked against the bytes.
 */
import { describe, expect, it } from 'vitest';
import { templateEscape } from './gguf';
import { scanModelFile } from './scan';
import { GGUF_FILES } from './test-gguf-files';

const fixture = (name: string) => Uint8Array.from(atob(GGUF_FILES[name] ?? ''), (c) => c.charCodeAt(0));
const scan = (bytes: Uint8Array) => scanModelFile('m.gguf', bytes, { clock: () => 0 });
const summary = (bytes: Uint8Array) => {
  const result = scan(bytes);
  return [
    result.format,
    result.verdict,
    ...result.findings.map((f) => `${f.kind} at ${f.location}: ${f.sentence}`),
  ];
};

/** Little-endian GGUF pieces: u32, u64, a string, a key–value pair, a tensor info. */
const u32 = (v: number) => Uint8Array.from([v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255]);
const u64 = (v: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
};
const join = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const str = (s: string) => {
  const b = new TextEncoder().encode(s);
  return join(u64(b.length), b);
};
const pair = (key: string, type: number, value: Uint8Array) => join(str(key), u32(type), value);
const info = (name: string, dims: number[], type: number, offset: number) =>
  join(str(name), u32(dims.length), ...dims.map(u64), u32(type), u64(offset));
/** A version 3 file of `pairs` and `infos`, its data padded to `alignment` and `data` bytes long. */
function gguf(
  pairs: Uint8Array[],
  infos: Uint8Array[],
  data: number,
  alignment = 32,
  version = 3,
): Uint8Array {
  const head = join(
    Uint8Array.from([0x47, 0x47, 0x55, 0x46]),
    u32(version),
    u64(infos.length),
    u64(pairs.length),
  );
  const meta = join(head, ...pairs, ...infos);
  const padded = Math.ceil(meta.length / alignment) * alignment;
  return join(meta, new Uint8Array(padded - meta.length + data));
}
const F32 = (name: string, n: number, offset = 0) => info(name, [n], 0, offset);

describe('GGUF files gguf-py wrote', () => {
  it('a plain model with a chat template, arrays, and float and quantized tensors is safe', () => {
    expect(summary(fixture('plain'))).toEqual(['gguf', 'safe']);
    expect(summary(fixture('quantized, aligned to 64'))).toEqual(['gguf', 'safe']);
  });

  it('a chat template that reaches Python internals is unsafe, named by its key', () => {
    const subclasses = scan(fixture('subclasses'));
    expect([subclasses.verdict, subclasses.findings.map((f) => [f.severity, f.kind, f.location])]).toEqual([
      'unsafe',
      [['critical', 'template', 'm.gguf: "tokenizer.chat_template"']],
    ]);
    expect(subclasses.findings[0]?.sentence).toBe(
      'The chat template names a Python internal (near "{{ \'\'.__class__.__mro__[1].__subclasses__() }}"). A Jinja renderer that is not sandboxed runs Python through it when the model formats a chat (CVE-2024-34359, llama-cpp-python before 0.2.72); no chat template needs this.',
    );
    expect(scan(fixture('attr filter')).findings.map((f) => f.sentence.slice(0, 65))).toEqual([
      'The chat template fetches attributes by name with the attr filter',
    ]);
    expect(scan(fixture('lipsum globals in a named template')).findings.map((f) => f.location)).toEqual([
      'm.gguf: "tokenizer.chat_template.tool_use"',
    ]);
  });
});

describe('templateEscape', () => {
  it('passes the chat templates models ship', () => {
    const templates = [
      "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}",
      "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}",
      "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% endfor %}",
      '{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}{{- tools | tojson }}{{ "_" }}',
    ];
    expect(templates.map(templateEscape)).toEqual([null, null, null, null]);
  });

  it('names each way out: internals, the attr filter, escaped underscores, Jinja globals, built underscores', () => {
    const why = (t: string) => templateEscape(t)?.why;
    expect(why("{{ cycler.__init__.__globals__.os.popen('id') }}")).toBe('names a Python internal');
    expect(why("{{ ()|attr('mro') }}")).toBe('fetches attributes by name with the attr filter');
    expect(why("{{ () | attr('mro') }}")).toBe('fetches attributes by name with the attr filter');
    expect(why('{{ attributes | length }}')).toBeUndefined();
    expect(why("{{ x['\\x5f\\x5fclass\\x5f\\x5f'] }}")).toBe(
      'writes an underscore as an escape, as attacks that hide a Python internal do',
    );
    expect(why("{{ x['\\u005fclass'] }}")).toBe(
      'writes an underscore as an escape, as attacks that hide a Python internal do',
    );
    expect(why("{{ joiner['x'] }}")).toBe('reaches into a Jinja global that leads to Python modules');
    expect(why("{{ x[('_'*2)~'class'~('_'*2)] }}")).toBe(
      'builds a run of underscores, as attacks that hide a Python internal do',
    );
    expect(
      templateEscape('{{ a }}                    {{ b.__class__ }} and then much more text after it'),
    ).toEqual({
      why: 'names a Python internal',
      near: `${' '.repeat(15)}{{ b.__class__ }} and then much more text aft`, // 20 before, 40 from
    });
  });
});

describe('GGUF bytes checked before they are trusted', () => {
  it('a file built here reads safe; its chat template is checked under any key naming one', () => {
    const plain = gguf([pair('general.name', 8, str('x'))], [F32('w', 8)], 32);
    expect(summary(plain)).toEqual(['gguf', 'safe']);
    const hostile = gguf([pair('my.chat_template_v2', 8, str('{{ x.__class__ }}'))], [], 0);
    expect(scan(hostile).findings.map((f) => f.kind)).toEqual(['template']);
    expect(scan(gguf([pair('general.notes', 8, str('{{ x.__class__ }}'))], [], 0)).verdict).toBe('safe');
  });

  it('refuses version 1, counts the file cannot hold, and strings past the end', () => {
    expect(summary(gguf([], [], 0, 32, 1))[2]).toBe(
      'unsupported at m.gguf: The file is GGUF version 1; the scanner reads versions 2 and 3.',
    );
    expect(summary(gguf([], [], 0, 32, 4))[1]).toBe('refused');
    expect(summary(gguf([], [], 0, 32, 2))).toEqual(['gguf', 'safe']);
    const fits = gguf([], [], 57); // 89 bytes: after the 24 of the header, 65 remain, what 5 empty pairs of 13 take
    fits.set(u64(5), 16);
    expect(summary(fits)).toEqual(['gguf', 'safe']);
    const tensors = gguf([], [], 64);
    tensors.set(u64(10), 8);
    expect(summary(tensors)[2]).toBe(
      'malformed at m.gguf: The header declares 0 metadata pairs and 10 tensors, more than the file holds.',
    );
    const counts = gguf([], [], 64);
    counts.set(u64(6), 16); // 6 pairs of at least 13 bytes: 78, where 72 remain
    expect(summary(counts)[2]).toBe(
      'malformed at m.gguf: The header declares 6 metadata pairs and 0 tensors, more than the file holds.',
    );
    const long = gguf([pair('k', 8, join(u64(1_000_000), new Uint8Array(4)))], [], 0);
    expect(summary(long)[1]).toBe('refused');
  });

  it('refuses a value type GGUF does not define, arrays past the end or nested past the cap', () => {
    expect(summary(gguf([pair('k', 13, new Uint8Array(8))], [], 0))[2]).toBe(
      'malformed at m.gguf: "k": The value has type 13, which GGUF does not define.',
    );
    // Items of 4 bytes, or strings of at least 8: the array's bytes are checked before any item is read.
    const ints = gguf([pair('k', 9, join(u32(4), u64(1000)))], [], 0);
    expect(summary(ints)[2]).toMatch(
      /^malformed at m\.gguf: An array at byte 49 needs 4000 bytes, but only \d+ remain\.$/,
    );
    const strings = gguf([pair('k', 9, join(u32(8), u64(1000)))], [], 0);
    expect(summary(strings)[2]).toMatch(/^malformed at m\.gguf: An array at byte 49 needs 8000 bytes/);
    let nested = join(u32(4), u64(0));
    for (let i = 0; i < 9; i++) nested = join(u32(9), u64(1), nested);
    expect(summary(gguf([pair('k', 9, nested)], [], 0))[2]).toBe(
      'limit at m.gguf: "k"[0][0][0][0][0][0][0][0]: Arrays nest deeper than 8 levels, the cap on nesting.',
    );
    let eight = join(u32(4), u64(0));
    for (let i = 0; i < 7; i++) eight = join(u32(9), u64(1), eight);
    expect(summary(gguf([pair('k', 9, eight)], [], 0))).toEqual(['gguf', 'safe']);
  });

  it('refuses an alignment that is no power of two, and tensors misaligned, out of shape or past the end', () => {
    const align = (v: number, type = 4) => gguf([pair('general.alignment', type, u32(v))], [], 0);
    expect(summary(align(48))[2]).toBe(
      'malformed at m.gguf: "general.alignment": general.alignment is not a power of two held as a uint32.',
    );
    expect(summary(align(0))[1]).toBe('refused');
    expect(summary(align(64, 5))[1]).toBe('refused');
    expect(summary(align(64))).toEqual(['gguf', 'safe']);
    expect(summary(gguf([], [F32('w', 4, 8)], 64))[2]).toBe(
      'malformed at m.gguf: tensor "w": The tensor\'s data starts at 8, not a multiple of the alignment 32.',
    );
    expect(summary(gguf([], [info('w', [], 0, 0)], 0))[2]).toBe(
      'malformed at m.gguf: tensor "w": The tensor has 0 dimensions; GGUF allows 1 to 4.',
    );
    expect(summary(gguf([], [info('w', [1, 1, 1, 1, 1], 0, 0)], 64))[1]).toBe('refused');
    expect(summary(gguf([], [info('w', [1, 1, 1, 1], 0, 0)], 64))).toEqual(['gguf', 'safe']);
    expect(summary(gguf([], [info('q', [10], 8, 0)], 64))[2]).toBe(
      'malformed at m.gguf: tensor "q": The tensor\'s 10 elements do not fill whole blocks of its type.',
    );
    // 8 floats need 32 bytes; the data holds 31.
    expect(summary(gguf([], [F32('w', 8)], 31))[2]).toMatch(
      /^malformed at m\.gguf: tensor "w": The tensor's data ends at byte \d+, past the end of the file/,
    );
    expect(summary(gguf([], [F32('w', 8)], 32))).toEqual(['gguf', 'safe']);
    expect(summary(gguf([], [F32('a', 8), F32('b', 8, 32)], 63))[1]).toBe('refused');
  });

  it('keeps to the time budget over a long array of strings', () => {
    const many = gguf([pair('k', 9, join(u32(8), u64(20_000), new Uint8Array(20_000 * 8)))], [], 0);
    let now = 0;
    const clock = () => {
      now += 1000;
      return now;
    };
    const result = scanModelFile('m.gguf', many, { clock, limits: { timeBudgetMs: 1000 } });
    expect(result.findings.map((f) => [f.kind, f.location])).toEqual([['limit', 'm.gguf']]);
    expect(scan(many).verdict).toBe('safe');
  });

  it('notes a ggml type it does not know instead of sizing it, but still wants its start inside the file', () => {
    const unknown = scan(gguf([], [info('w', [4], 99, 0)], 0));
    expect(unknown.findings.map((f) => f.severity)).toEqual(['medium']);
    expect(summary(gguf([], [info('w', [4], 99, 64)], 32))[1]).toBe('refused');
    expect(summary(gguf([], [info('w', [4], 99, 0)], 0))).toEqual([
      'gguf',
      'safe',
      'unknown-entry at m.gguf: tensor "w": The tensor has ggml type 99, which the scanner does not know, so its size was not checked.',
    ]);
  });
});
