import {
  FAMILY_GLOSSARY,
  type GlossaryEntry,
  SCORE_GLOSSARY,
  TERM_GLOSSARY,
} from '../../../workers/core/review/glossary';

/** The glossary entry of a score, family or review term by its key (the one glossary: workers/core/review/glossary.ts). */
export function glossaryOf(key: string): GlossaryEntry | null {
  const tables: ReadonlyArray<Readonly<Record<string, GlossaryEntry>>> = [
    SCORE_GLOSSARY,
    FAMILY_GLOSSARY,
    TERM_GLOSSARY,
  ];
  for (const table of tables) if (Object.hasOwn(table, key)) return table[key] ?? null;
  if (key.startsWith('family:')) return glossaryOf(key.slice('family:'.length));
  return null;
}

/** A score or term by its analyst name, with its glossary text on hover and focus. */
export function Term({ name, label }: { name: string; label?: string }) {
  const entry = glossaryOf(name);
  if (!entry) return <span>{label ?? name}</span>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: keyboard users reach the glossary text too
    <span className="term" title={`${entry.name}: ${entry.text}`} tabIndex={0} data-term={name}>
      {label ?? entry.name}
    </span>
  );
}
