/** A row with several text feature cells is refused with one message per such column, read from that row. */
import { describe, expect, it } from 'vitest';
import { IngestError, ingestCsv } from './ingest';

const enc = new TextEncoder();

function problems(text: string, plan = {}): string[] {
  try {
    ingestCsv(enc.encode(text), 'p.csv', { labelColumn: 'label', ...plan });
  } catch (error) {
    if (error instanceof IngestError) return error.problems.map((p) => p.message);
    throw error;
  }
  return [];
}

describe('non-numeric feature cells', () => {
  it('names every text feature cell of the first bad row, quoted or not, and skips numbers and gaps', () => {
    const text =
      'a,city,b,"job",label,c\n1,2,3,4,x,5\n1,"paris",,"pilot, retired",y,"7"\n1,lyon,2,cook,x,z\n';
    expect(problems(text)).toEqual([
      'p.csv, line 3, column "city": "paris" is not a number. Exclude the column or one-hot encode it.',
      'p.csv, line 3, column "job": "pilot, retired" is not a number. Exclude the column or one-hot encode it.',
    ]);
  });

  it('leaves out the columns the plan one-hot encodes or excludes', () => {
    const text = 'a,city,job,label\n1,paris,pilot,x\n2,lyon,cook,y\n';
    expect(problems(text, { oneHot: ['city'] })).toEqual([
      'p.csv, line 2, column "job": "pilot" is not a number. Exclude the column or one-hot encode it.',
    ]);
    expect(problems(text, { oneHot: ['city'], excluded: ['job'] })).toEqual([]);
  });
});
