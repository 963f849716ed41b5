import { useState } from 'react';
import type { MemoryEstimate as Estimate } from '../../workers/core/memory/estimate';
import { formatBytes } from '../format';
import {
  BUDGET_SOURCE_TEXT,
  browserStorage,
  currentBudget,
  type MemoryBudget,
  writeBudgetOverride,
} from '../memory/budget';
import { useApp } from './session-context';

const PHASE_TEXT: Record<Estimate['parts'][number]['phase'], string> = {
  held: 'whole job',
  batch: 'per batch',
  eval: 'end of epoch',
  'cross-validation': 'per fold',
  knn: 'kNN stage',
  embedding: 'embedding stage',
};

/** The memory budget in force (the browser's, or the analyst's override); re-read when the override changes. */
export function useMemoryBudget(): MemoryBudget {
  const override = useApp((s) => s.memoryBudgetOverride);
  return currentBudget(override);
}

/**
 * A job's memory estimate before it starts: the peak, the breakdown (folded), the budget with its override, and
 * the refusal when the job is over it. `refusal` comes from `budgetRefusal`, so the form and the controller agree.
 */
export function MemoryEstimate({
  estimate,
  budget,
  refusal,
  testId,
}: {
  estimate: Estimate;
  budget: MemoryBudget;
  refusal: string | null;
  testId: string;
}) {
  return (
    <div
      className="memory-estimate"
      data-testid={testId}
      data-total={estimate.total}
      data-budget={budget.bytes}
    >
      <details>
        <summary>
          Memory estimate: <strong data-testid={`${testId}-total`}>{formatBytes(estimate.total)}</strong> at
          the peak, of a budget of {formatBytes(budget.bytes)} ({BUDGET_SOURCE_TEXT[budget.source]})
        </summary>
        <table className="memory-parts">
          <thead>
            <tr>
              <th scope="col">Part</th>
              <th scope="col">When</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {estimate.parts.map((p) => (
              <tr key={p.key} data-testid={`${testId}-part`} data-key={p.key} data-bytes={p.bytes}>
                <td>{p.label}</td>
                <td>{PHASE_TEXT[p.phase]}</td>
                <td>{formatBytes(p.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">
          The peak is the parts held for the whole job plus the largest stage: stages run one after another.
        </p>
        <BudgetOverride testId={testId} />
      </details>
      {refusal && (
        <p className="field-error" role="alert" data-testid={`${testId}-refusal`}>
          {refusal}
        </p>
      )}
    </div>
  );
}

/** The budget override in MB (empty: the browser's budget), kept in this browser. */
function BudgetOverride({ testId }: { testId: string }) {
  const override = useApp((s) => s.memoryBudgetOverride);
  const setOverride = useApp((s) => s.setMemoryBudgetOverride);
  const [text, setText] = useState(override === null ? '' : String(override / 1e6));
  const apply = (bytes: number | null) => {
    setOverride(bytes);
    const storage = browserStorage();
    if (storage) writeBudgetOverride(storage, bytes);
  };
  return (
    <div className="form-actions">
      <label>
        Memory budget override (MB)
        <input
          type="number"
          min={1}
          step="any"
          value={text}
          placeholder="the browser’s"
          data-testid={`${testId}-override`}
          onChange={(e) => {
            const value = e.currentTarget.value;
            setText(value);
            const mb = Number(value);
            apply(value.trim() !== '' && Number.isFinite(mb) && mb > 0 ? mb * 1e6 : null);
          }}
        />
      </label>
      <button
        type="button"
        className="link"
        disabled={override === null}
        data-testid={`${testId}-override-reset`}
        onClick={() => {
          setText('');
          apply(null);
        }}
      >
        Use the browser’s budget
      </button>
    </div>
  );
}
