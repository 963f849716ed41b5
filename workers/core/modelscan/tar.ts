/**
 * A minimal tar reader (POSIX ustar, with pax `path` and `linkpath` records and GNU long names): PyTorch's oldest checkpoint (a tar of
 * `sys_info`, `pickle`, `storages` and `tensors`), a SavedModel folder as TF Hub ships it, or any other tar, whose
 * files are then scanned by their bytes. Sizes and offsets are checked against the file; a member name or link that
 * would let extraction write outside the archive's folder is a finding, as for zip entries.
 */
import { ByteReader } from './bytes';
import { quote, type ScanContext } from './context';
import { entryNameProblem } from './zip';

export interface TarMember {
  name: string;
  offset: number;
  size: number;
  /** A regular file (`'0'` or NUL), a folder (`'5'`), a hard or symbolic link (`'1'`, `'2'`), or another kind. */
  kind: 'file' | 'folder' | 'link' | 'other';
}

function memberKind(type: string): TarMember['kind'] {
  if (type === '0' || type === '\0' || type === '7') return 'file';
  if (type === '5') return 'folder';
  if (type === '1' || type === '2') return 'link';
  return 'other';
}

/**
 * Why a link member points outside the archive's folder, or null: an absolute target, or one whose `..` steps climb
 * above the top, counted from the member's own folder for a symbolic link (`'2'`) and from the top for a hard link.
 */
export function linkProblem(name: string, target: string, symbolic: boolean): string | null {
  if (target.startsWith('/') || target.startsWith('\\') || /^[A-Za-z]:/.test(target))
    return 'is an absolute path';
  const path = symbolic ? name.split('/').slice(0, -1) : [];
  for (const step of target.split(/[\\/]/)) {
    if (step === '..') {
      if (path.length === 0) return "climbs out of the archive's folder";
      path.pop();
    } else if (step !== '' && step !== '.') path.push(step);
  }
  return null;
}

export function readTar(bytes: Uint8Array, ctx: ScanContext, where: string): TarMember[] {
  const r = new ByteReader(bytes, ctx, where);
  const members: TarMember[] = [];
  let p = 0;
  let paxName: string | null = null;
  let paxLink: string | null = null;
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
      const pax = r.text(offset, size, 'A pax header');
      paxName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(pax)?.[1] ?? null;
      paxLink = /(?:^|\n)\d+ linkpath=([^\n]*)\n/.exec(pax)?.[1] ?? null;
    } else if (type === 'L' || type === 'K') {
      // GNU tar's long names: the member's data is the next member's name ('L') or link target ('K').
      const text = r.text(offset, size, 'A GNU long name').replace(/\0.*$/s, '');
      if (type === 'L') paxName = text;
      else paxLink = text;
    } else if (type !== 'g') {
      const name = paxName ?? (prefix ? `${prefix}/${rawName}` : rawName);
      const kind = memberKind(type);
      members.push({ name, offset, size, kind });
      const at = `${where} › ${quote(name)}`;
      const problem = entryNameProblem(name);
      if (problem) unsafeName(ctx, at, `The member name ${problem}`);
      if (kind === 'link') {
        const target = paxLink ?? r.text(p + 157, 100, 'A tar link name').replace(/\0.*$/s, '');
        const outside = linkProblem(name, target, type === '2');
        if (outside) unsafeName(ctx, at, `The member is a link to ${quote(target)}, which ${outside}`);
      }
      paxName = null;
      paxLink = null;
      if (members.length > ctx.limits.maxEntries)
        ctx.refuse('limit', where, `The tar holds more than ${ctx.limits.maxEntries} members.`);
    }
    p = offset + Math.ceil(size / 512) * 512;
  }
  return members;
}

function unsafeName(ctx: ScanContext, at: string, what: string): void {
  ctx.add({
    severity: 'high',
    kind: 'entry-name',
    location: at,
    sentence: `${what}, so extracting the archive could write outside its folder.`,
  });
}
