import type { FamilyDetail } from '../../../controllers/review/controller';
import { Term } from '../Term';

/** Each family's verdict on the sample and the sentences behind it, flagged families first. */
export function WhyFlagged({ why }: { why: FamilyDetail[] }) {
  const flagged = why.filter((f) => f.flagged).length;
  return (
    <section className="detail-why" data-testid="detail-why" aria-labelledby="detail-why-title">
      <h4 id="detail-why-title">
        Why flagged{' '}
        <span className="muted">
          ({flagged === 0 ? 'no family flags it' : `${flagged} of ${why.length} families flag it`})
        </span>
      </h4>
      {why.map((f) => (
        <div
          key={f.family}
          className={f.flagged ? 'why-family flagged' : 'why-family'}
          data-testid="why-family"
          data-family={f.family}
          data-flagged={f.flagged}
        >
          <p className="why-verdict">
            <strong>
              <Term name={f.family} />
            </strong>
            : <span className={f.flagged ? '' : 'muted'}>{f.verdict}</span>
          </p>
          {f.sentences.length > 0 && (
            <ul>
              {f.sentences.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </section>
  );
}
