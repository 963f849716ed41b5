/** TracIn proponents and opponents named by the review worker (ids and labels of their rows). */
import type { NamedRow, ReviewApi } from '../../../workers/review.api';
import type { InfluenceAnswer } from '../../../workers/score.api';

/** The focused sample's strongest proponents and opponents, named. */
export interface InfluenceView extends Omit<InfluenceAnswer, 'proponents' | 'opponents'> {
  proponents: Array<NamedRow & { value: number }>;
  opponents: Array<NamedRow & { value: number }>;
}

/** Names every row of an influence answer. */
export async function nameInfluence(api: ReviewApi, out: InfluenceAnswer): Promise<InfluenceView> {
  const rows = [...out.proponents, ...out.opponents].map((e) => e.row);
  const names = new Map((await api.describe(Int32Array.from(rows))).map((n) => [n.row, n]));
  const named = (e: { row: number; value: number }) => ({
    ...(names.get(e.row) ?? { row: e.row, id: `row ${e.row}`, label: '' }),
    value: e.value,
  });
  return { ...out, proponents: out.proponents.map(named), opponents: out.opponents.map(named) };
}
