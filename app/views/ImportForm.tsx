import { featureColumnCount, showColumnControls } from '../controllers/ingest/plan';
import { formatBytes, formatCount, formatDate } from '../format';
import { ColumnRoles } from './ColumnRoles';
import { ColumnTable } from './ColumnTable';
import { ImageImportForm } from './images/ImageImportForm';
import { LimitsFields } from './LimitsFields';
import { PreviewTable } from './PreviewTable';
import { ProblemList } from './ProblemList';
import { useApp, useIngest } from './session-context';

/** Names a delimiter for people. */
export function delimiterName(delimiter: string): string {
  switch (delimiter) {
    case ',':
      return 'comma';
    case ';':
      return 'semicolon';
    case '\t':
      return 'tab';
    default:
      return `“${delimiter}”`;
  }
}

/** The import form: a look at the file, the column roles, and Import / Cancel (an image zip or folder: its own form). */
export function ImportForm() {
  const draft = useApp((s) => s.draft);
  const imageDraft = useApp((s) => s.imageDraft !== null);
  const workbench = useIngest();
  if (imageDraft) return <ImageImportForm />;
  if (!draft) return null;
  const { preview, plan } = draft;
  const errors = preview.problems.filter((p) => p.severity === 'error');
  const warnings = preview.problems.filter((p) => p.severity === 'warning');
  const features = featureColumnCount(preview.header, plan);
  const rechecking = draft.rechecking === true;
  const canImport =
    !rechecking && errors.length === 0 && preview.header.includes(plan.labelColumn) && features > 0;
  return (
    <form
      className="import-form"
      aria-labelledby="import-title"
      onSubmit={(event) => {
        event.preventDefault();
        if (canImport) void workbench.startImport();
      }}
    >
      <section className="panel">
        <h2 id="import-title">Import {preview.fileName}</h2>
        <p className="muted">
          {formatBytes(preview.bytes)} ·{' '}
          <span data-testid="detected-delimiter">{delimiterName(preview.delimiter)}</span>
          -separated · {formatCount(preview.header.length)} columns ·{' '}
          <span data-testid="feature-columns">
            {formatCount(features)} feature column{features === 1 ? '' : 's'} selected
          </span>
        </p>
        {draft.duplicate && (
          <div className="notice" role="status" data-testid="import-duplicate">
            <p>
              This very file (the same SHA-256) is already stored as “{draft.duplicate.name}”, imported{' '}
              {formatDate(draft.duplicate.createdAt)}. Importing it again makes a second, identical dataset.
            </p>
            <button
              type="button"
              data-testid="open-duplicate"
              onClick={() => {
                const id = draft.duplicate?.id;
                if (!id) return;
                workbench.discardDraft();
                void workbench.openDataset(id);
              }}
            >
              Open the stored one
            </button>
          </div>
        )}
        {rechecking && (
          <p className="muted" aria-live="polite" data-testid="preview-rechecking">
            Checking the file again with these settings…
          </p>
        )}
        {errors.length > 0 && (
          <div className="notice notice-error" role="alert" data-testid="preview-errors">
            <p>This file cannot be imported as it is:</p>
            <ProblemList problems={errors} />
          </div>
        )}
        {warnings.length > 0 && (
          <div className="notice" data-testid="preview-warnings">
            <ProblemList problems={warnings} />
          </div>
        )}
        <PreviewTable preview={preview} />
      </section>
      <section className="panel">
        <h2>Columns</h2>
        {showColumnControls(preview.header, draft.limits) ? (
          <>
            <ColumnRoles />
            <ColumnTable />
          </>
        ) : (
          <p className="muted" data-testid="column-controls-hidden">
            {formatCount(preview.header.length)} columns are more than the limit of{' '}
            {formatCount(draft.limits.maxColumns)}: raise it under Limits to choose column roles.
          </p>
        )}
        <LimitsFields />
      </section>
      <div className="form-actions">
        <button type="submit" disabled={!canImport}>
          Import
        </button>
        <button type="button" className="secondary" onClick={() => workbench.discardDraft()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
