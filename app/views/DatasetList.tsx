import { useState } from 'react';
import type { DatasetSummary } from '../controllers/ingest/controller';
import { formatCount, formatDate } from '../format';
import { ConfirmDialog } from './ConfirmDialog';
import { useApp, useIngest } from './session-context';

/** The datasets stored in this browser, newest first. */
export function DatasetList() {
  const datasets = useApp((s) => s.datasets);
  const [deleting, setDeleting] = useState<DatasetSummary | null>(null);
  const workbench = useIngest();
  return (
    <section className="panel" aria-labelledby="stored-datasets">
      <h2 id="stored-datasets">Stored datasets</h2>
      {datasets === null && <p className="muted">Reading this browser's storage…</p>}
      {datasets?.length === 0 && (
        <p className="muted">None yet: import a CSV or an image zip, or open a demo.</p>
      )}
      {datasets && datasets.length > 0 && (
        <table className="datasets" data-testid="dataset-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="num">
                Rows
              </th>
              <th scope="col" className="num">
                Features
              </th>
              <th scope="col" className="num">
                Classes
              </th>
              <th scope="col">Imported</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <DatasetRow key={d.id} dataset={d} onDelete={() => setDeleting(d)} />
            ))}
          </tbody>
        </table>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          confirmLabel="Delete"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            setDeleting(null);
            void workbench.deleteDataset(deleting.id);
          }}
        >
          This removes its rows, its original file and everything computed from it from this browser. It
          cannot be undone.
        </ConfirmDialog>
      )}
    </section>
  );
}

function DatasetRow({ dataset, onDelete }: { dataset: DatasetSummary; onDelete: () => void }) {
  const workbench = useIngest();
  const [renaming, setRenaming] = useState(false);
  return (
    <tr data-testid="dataset-row" data-name={dataset.name}>
      <td>
        {renaming ? (
          <RenameForm
            name={dataset.name}
            onDone={(name) => {
              setRenaming(false);
              if (name !== null && name !== dataset.name) void workbench.renameDataset(dataset.id, name);
            }}
          />
        ) : (
          <span className="dataset-name">{dataset.name}</span>
        )}
        <div className="muted small">{dataset.fileName}</div>
      </td>
      <td className="num">{formatCount(dataset.rows)}</td>
      <td className="num">{formatCount(dataset.featureCount)}</td>
      <td className="num">{formatCount(dataset.classCount)}</td>
      <td>{formatDate(dataset.createdAt)}</td>
      <td>
        <div className="actions">
          <button type="button" onClick={() => void workbench.openDataset(dataset.id)}>
            Open
          </button>
          <button type="button" className="secondary" onClick={() => setRenaming(true)} disabled={renaming}>
            Rename
          </button>
          <button type="button" className="danger" onClick={onDelete}>
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

/** Inline rename: Enter or Save keeps the new name, Escape or Cancel keeps the old one (onDone(null)). */
function RenameForm({ name, onDone }: { name: string; onDone: (name: string | null) => void }) {
  const [value, setValue] = useState(name);
  return (
    <form
      className="rename"
      onSubmit={(event) => {
        event.preventDefault();
        onDone(value.trim() === '' ? null : value.trim());
      }}
    >
      <input
        aria-label="New name"
        value={value}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to rename this row; focus belongs here
        autoFocus
        onChange={(event) => setValue(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onDone(null);
        }}
      />
      <button type="submit">Save</button>
      <button type="button" className="secondary" onClick={() => onDone(null)}>
        Cancel
      </button>
    </form>
  );
}
