/**
 * A minimal tar reader (POSIX ustar, with pax `path` records), for PyTorch's oldest checkpoint format: a tar of
 * `sys_info`, `pickle`, `storages` and `tensors`. Sizes and offsets are checked against the file.
 */
import { ByteReader } from './bytes';
import type { ScanContext } from './context';

export interface TarMember {
  name: string;
  offset: number;
  size: number;
}

export function readTar(bytes: Uint8Array, ctx: ScanContext, where: string): TarMember[] {
  const r = new ByteReader(bytes, ctx, where);
  const members: TarMember[] = [];
  let p = 0;
  let paxName: string | null = null;
  while (p + 512 <= bytes.length) {
    ctx.tick(where, 64);
    if (bytes.subarray(p, p + 512).every((b) => b === 0)) break;
    const rawName = r.text(p, 100, 'A tar member name').replace(/\0.*$/s, '');
    const prefix = r.text(p + 345, 155, 'A tar prefix').replace(/\0.*$/s, '');
    const sizeText = r
      .text(p + 124, 12, 'A tar size', 'latin1')
      .replace(/[\0 ]+$/g, '')
      .trim();
    if (!/^[0-7]*$/.test(sizeText))
      ctx.refuse('malformed', `${where}, byte ${p}`, 'A tar member size is not octal.');
    const size = sizeText === '' ? 0 : Number.parseInt(sizeText, 8);
    const type = String.fromCharCode(r.u8(p + 156));
    const offset = p + 512;
    r.check(offset, size, 'A tar member');
    if (type === 'x') {
      const record = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(r.text(offset, size, 'A pax header'));
      paxName = record ? (record[1] as string) : null;
    } else if (type !== 'g') {
      members.push({ name: paxName ?? (prefix ? `${prefix}/${rawName}` : rawName), offset, size });
      paxName = null;
      if (members.length > ctx.limits.maxEntries)
        ctx.refuse('limit', where, `The tar holds more than ${ctx.limits.maxEntries} members.`);
    }
    p = offset + Math.ceil(size / 512) * 512;
  }
  return members;
}
