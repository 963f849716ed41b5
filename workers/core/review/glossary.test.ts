/**
 * The glossary the review shows on hover (issue 16: it had no test). What a reader relies on: every score, family
 * and term has a name and a sentence, no two scores share a name, and each family's text names every score that
 * belongs to it (scores/types.ts SCORE_FAMILY), so the hover on a family lists what it combines.
 */
import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES, SCORE_FAMILY, SCORE_NAMES } from '../scores/types';
import { FAMILY_GLOSSARY, type GlossaryEntry, SCORE_GLOSSARY, TERM_GLOSSARY } from './glossary';

/** A name of a few words and a text of whole sentences, neither empty. */
function expectEntry(entry: GlossaryEntry | undefined): void {
  expect(entry?.name).toMatch(/^\S.{2,}$/);
  expect(entry?.text.length).toBeGreaterThan(40);
  expect(entry?.text).toMatch(/^[A-Z].*[.)]$/);
}

describe('glossary', () => {
  it('explains every score, suspicion and every family, each under its own name', () => {
    expect(Object.keys(SCORE_GLOSSARY).sort()).toEqual([...SCORE_NAMES, 'suspicion'].sort());
    for (const key of [...SCORE_NAMES, 'suspicion'] as const) expectEntry(SCORE_GLOSSARY[key]);
    const names = Object.values(SCORE_GLOSSARY).map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(FAMILY_GLOSSARY).sort()).toEqual([...FAMILY_NAMES].sort());
    for (const f of FAMILY_NAMES) expectEntry(FAMILY_GLOSSARY[f]);
  });

  it("names each family's scores in the family's text", () => {
    for (const score of SCORE_NAMES) {
      // "Self-influence (TracIn)" is named as "self-influence": the words before the parenthesis.
      const name = SCORE_GLOSSARY[score].name.split(' (')[0]?.toLowerCase() as string;
      expect(FAMILY_GLOSSARY[SCORE_FAMILY[score]].text.toLowerCase()).toContain(name);
    }
  });

  it('explains the review terms, the bulk as the median that is never flagged', () => {
    const keys = Object.keys(TERM_GLOSSARY) as (keyof typeof TERM_GLOSSARY)[];
    expect(keys.length).toBe(9);
    for (const key of keys) expectEntry(TERM_GLOSSARY[key]);
    expect(TERM_GLOSSARY.bulk.text).toContain('never flags a row whose value is at or below its median');
    expect(TERM_GLOSSARY.threshold.text).toContain('at or above it');
  });
});
