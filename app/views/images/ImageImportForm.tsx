import type { ImageLimits, ImageShape } from '../../controllers/images/controller';
import { blockingProblems, colourSentence, shapeProblem } from '../../controllers/images/plan';
import { formatBytes, formatCount } from '../../format';
import { LimitInputs } from '../LimitsFields';
import { ProblemList } from '../ProblemList';
import { useApp, useImageImport } from '../session-context';
import './images.css';

const LIMIT_FIELDS: { key: keyof ImageLimits; label: string }[] = [
  { key: 'maxEntries', label: 'Max entries' },
  { key: 'maxEntryBytes', label: 'Max bytes per file (inflated)' },
  { key: 'maxTotalBytes', label: 'Max bytes in all (inflated)' },
  { key: 'maxPixels', label: 'Max pixels per image (from its header)' },
  { key: 'maxClasses', label: 'Max classes' },
];

/** Up to `max` names as a list, with how many more there are. */
function FileList({ names, testId, max = 20 }: { names: string[]; testId: string; max?: number }) {
  return (
    <ul className="file-list" data-testid={testId} data-count={names.length}>
      {names.slice(0, max).map((name) => (
        <li key={name} className="mono">
          {name}
        </li>
      ))}
      {names.length > max && <li className="muted">and {formatCount(names.length - max)} more</li>}
    </ul>
  );
}

/** The image import form: what the preview found, the shape to bring images to, what to skip, and the limits. */
export function ImageImportForm() {
  const draft = useApp((s) => s.imageDraft);
  const images = useImageImport();
  if (!draft) return null;
  const { preview, plan, source, limits } = draft;
  const blocking = blockingProblems(preview, plan);
  const badShape = shapeProblem(plan);
  const rechecking = draft.rechecking === true;
  const canImport = !rechecking && blocking.length === 0 && badShape === null && preview.images > 0;
  const setShape = (patch: Partial<ImageShape>) => images.setPlan({ shape: { ...plan.shape, ...patch } });
  const native = preview.sizes[0];
  return (
    <form
      className="import-form"
      aria-labelledby="import-title"
      data-testid="image-import-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (canImport) void images.startImport();
      }}
    >
      <section className="panel">
        <h2 id="import-title">Import {source.name}</h2>
        <p className="muted">
          {source.kind === 'zip' ? 'Zip' : `Folder of ${formatCount(source.files)} files`},{' '}
          {formatBytes(source.bytes)}
        </p>
        {rechecking && (
          <p className="muted" aria-live="polite" data-testid="preview-rechecking">
            Checking the archive against the new limits…
          </p>
        )}
        {blocking.length > 0 && (
          <div className="notice notice-error" role="alert" data-testid="preview-errors">
            <p>This {source.kind === 'zip' ? 'archive' : 'folder'} cannot be imported as it is:</p>
            <ProblemList problems={blocking} />
          </div>
        )}
        <dl className="image-facts" data-testid="image-preview">
          <dt>Layout</dt>
          <dd data-testid="detected-layout" data-value={preview.layout}>
            {preview.layout === 'class-folders'
              ? 'one folder per class'
              : `images with the labels CSV “${preview.labelsCsv ?? ''}”`}
          </dd>
          <dt>Images</dt>
          <dd data-testid="detected-images" data-value={preview.images}>
            {formatCount(preview.images)}
          </dd>
          <dt>Classes</dt>
          <dd data-testid="detected-classes" data-value={preview.classes.length}>
            {preview.classes.length === 0
              ? '—'
              : preview.classes
                  .map((c, k) => `${c} (${formatCount(preview.classCounts[k] ?? 0)})`)
                  .join(', ')}
          </dd>
          <dt>Native size</dt>
          <dd data-testid="detected-size">
            {native
              ? preview.sizes
                  .slice(0, 4)
                  .map((s) => `${s.width} × ${s.height} (${formatCount(s.count)})`)
                  .join(', ') +
                (preview.sizes.length > 4 ? `, and ${preview.sizes.length - 4} other sizes` : '')
              : '—'}
          </dd>
          <dt>Colour</dt>
          <dd data-testid="detected-colour">{colourSentence(preview)}</dd>
        </dl>
      </section>
      <section className="panel">
        <h2>Shape</h2>
        <p className="muted">
          Every image is brought to this size and channel count (shrinking averages areas, enlarging is
          bilinear; colour becomes grey by luma).
        </p>
        <div className="settings-grid">
          <label>
            Height
            <input
              type="number"
              min={1}
              max={1024}
              value={plan.shape.height}
              data-testid="shape-height"
              onChange={(e) => setShape({ height: e.currentTarget.valueAsNumber })}
            />
          </label>
          <label>
            Width
            <input
              type="number"
              min={1}
              max={1024}
              value={plan.shape.width}
              data-testid="shape-width"
              onChange={(e) => setShape({ width: e.currentTarget.valueAsNumber })}
            />
          </label>
          <label>
            Channels
            <select
              value={plan.shape.channels}
              data-testid="shape-channels"
              onChange={(e) => setShape({ channels: e.currentTarget.value === '3' ? 3 : 1 })}
            >
              <option value="1">1 (grey)</option>
              <option value="3">3 (RGB)</option>
            </select>
          </label>
        </div>
        {badShape && (
          <p className="field-error" role="alert">
            {badShape}
          </p>
        )}
        <label>
          <input
            type="checkbox"
            checked={plan.skipCorrupt}
            data-testid="skip-corrupt"
            onChange={(e) => images.setPlan({ skipCorrupt: e.currentTarget.checked })}
          />{' '}
          Skip images that do not decode (each is named in the dataset's warnings); otherwise the first one
          stops the import
        </label>
      </section>
      {(preview.nonImages.length > 0 || preview.corrupt.length > 0) && (
        <section className="panel">
          <h2>Files that are not images, or do not decode</h2>
          {preview.nonImages.length > 0 && (
            <>
              <p>
                {formatCount(preview.nonImages.length)} file{preview.nonImages.length === 1 ? ' is' : 's are'}{' '}
                not a PNG, JPEG, GIF, BMP or WebP image:
              </p>
              <FileList names={preview.nonImages} testId="non-images" />
              <label>
                <input
                  type="checkbox"
                  checked={plan.skipNonImages}
                  data-testid="skip-non-images"
                  onChange={(e) => images.setPlan({ skipNonImages: e.currentTarget.checked })}
                />{' '}
                Skip files that are not images
              </label>
            </>
          )}
          {preview.corrupt.length > 0 && (
            <>
              <p>
                {formatCount(preview.corrupt.length)} image{preview.corrupt.length === 1 ? ' has' : 's have'}{' '}
                a damaged header:
              </p>
              <FileList names={preview.corrupt} testId="corrupt-images" />
            </>
          )}
        </section>
      )}
      <details className="limits panel">
        <summary>Limits</summary>
        <LimitInputs fields={LIMIT_FIELDS} limits={limits} onChange={(next) => images.changeLimits(next)} />
        <p className="muted small">
          Sizes are counted as the entries inflate, never taken from the archive's word; an import stops at
          the first limit passed and stores nothing.
        </p>
      </details>
      <div className="form-actions">
        <button type="submit" disabled={!canImport}>
          Import
        </button>
        <button type="button" className="secondary" onClick={() => images.discardDraft()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
