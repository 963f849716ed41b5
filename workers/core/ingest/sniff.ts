/** Delimiter sniffing, by papaparse's guesser, over the head of a file. */
import Papa from 'papaparse';

/** The delimiters Sift reads: comma, semicolon (spreadsheets in locales with decimal commas) and tab. */
export const DELIMITERS: readonly string[] = [',', ';', '\t'];

/**
 * Picks the delimiter of `text` (the decoded head of a file): the one of `DELIMITERS` that papaparse finds
 * splits the first rows most consistently into more than one field; ',' when none does (a one-column file).
 * `truncated`: the text stops mid-file, so its last line may be partial and is left out.
 */
export function sniffDelimiter(text: string, truncated: boolean): string {
  let sample = text;
  if (truncated) {
    const lastBreak = Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r'));
    if (lastBreak > 0) sample = sample.slice(0, lastBreak);
  }
  const result = Papa.parse<string[]>(sample, {
    preview: 10,
    delimitersToGuess: [...DELIMITERS],
    skipEmptyLines: true,
  });
  const guessed = result.meta.delimiter;
  return DELIMITERS.includes(guessed) ? guessed : ',';
}
