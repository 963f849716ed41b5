import { num } from '../../../../workers/core/review/why';
import type { Neighbour } from '../../../controllers/review/controller';
import { SampleThumb } from '../../images/ImageEvidence';
import { useReviewer } from '../../session-context';
import { Term } from '../Term';

/** The sample's nearest neighbours in the final embedding, as a compact table; a click focuses one. */
export function NeighbourTable({ neighbours, label }: { neighbours: Neighbour[]; label: string }) {
  const reviewer = useReviewer();
  const same = neighbours.filter((n) => n.label === label).length;
  return (
    <section className="detail-neighbours" aria-labelledby="detail-neighbours-title">
      <h4 id="detail-neighbours-title">
        Nearest neighbours{' '}
        <span className="muted">
          ({same} of {neighbours.length} carry label {label})
        </span>
      </h4>
      <table className="compact" data-testid="detail-neighbours">
        <thead>
          <tr>
            <th scope="col">id</th>
            <th scope="col">label</th>
            <th scope="col" className="num">
              distance
            </th>
            <th scope="col" className="num">
              <Term name="suspicion" />
            </th>
            <th scope="col">decision</th>
          </tr>
        </thead>
        <tbody>
          {neighbours.map((n) => (
            <tr key={n.row} data-row={n.row}>
              <td>
                <SampleThumb row={n.row} id={n.id} />
                <button type="button" className="link" onClick={() => reviewer.focus(n.row)}>
                  {n.id}
                </button>
              </td>
              <td className={n.label === label ? '' : 'bad'}>{n.label}</td>
              <td className="num">{num(n.distance)}</td>
              <td className="num">{num(n.suspicion)}</td>
              <td>{n.decision === 'quarantine' ? 'quarantined' : (n.decision ?? '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
