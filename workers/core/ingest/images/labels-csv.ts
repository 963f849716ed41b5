/**
 * The labels CSV of an image source (`path,label`): a header row naming a path column and a label column, then one
 * row per image, paths relative to the folder the CSV is in (or the whole path inside the archive).
 */
import Papa from 'papaparse';
import { imageProblems } from './problems';
import { ImageIngestError, type ImageProblem } from './types';

const PATH_NAMES = ['path', 'file', 'filename', 'file_name', 'image', 'image_path', 'id'];
const LABEL_NAMES = ['label', 'labels', 'class', 'target', 'y', 'category'];

/** A path as the CSV and the archive are matched on: `/` separators, no leading `./`, Unicode NFC. */
export function labelKey(path: string): string {
  return path
    .trim()
    .replaceAll('\\', '/')
    .replace(/^(\.\/)+/, '')
    .normalize('NFC');
}

/** Parses the labels CSV; throws ImageIngestError naming the CSV and the line on any problem. */
export function parseLabelsCsv(bytes: Uint8Array, csvPath: string, file: string): Map<string, string> {
  const fail = (detail: string): never => {
    throw new ImageIngestError([imageProblems.labelsCsv(file, csvPath, detail)]);
  };
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail('is not UTF-8 text');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const rows = parsed.data;
  const header = rows[0]?.map((h) => h.trim().toLowerCase());
  if (!header) return fail('is empty');
  const pathCol = header.findIndex((h) => PATH_NAMES.includes(h));
  const labelCol = header.findIndex((h) => LABEL_NAMES.includes(h));
  if (pathCol < 0 || labelCol < 0) {
    fail(
      `needs a header row naming a path column (${PATH_NAMES.join(', ')}) and a label column (${LABEL_NAMES.join(', ')})`,
    );
  }
  const labels = new Map<string, string>();
  const problems: ImageProblem[] = [];
  for (let r = 1; r < rows.length && problems.length < 5; r++) {
    const row = rows[r];
    const path = labelKey(row[pathCol] ?? '');
    const label = (row[labelCol] ?? '').trim();
    if (!path || !label) {
      problems.push(
        imageProblems.labelsCsv(file, csvPath, `has an empty ${path ? 'label' : 'path'} on line ${r + 1}`),
      );
    } else if (labels.has(path)) {
      problems.push(imageProblems.labelsCsv(file, csvPath, `lists "${path}" twice (again on line ${r + 1})`));
    } else labels.set(path, label);
  }
  if (problems.length) throw new ImageIngestError(problems);
  return labels;
}
