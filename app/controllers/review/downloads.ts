/**
 * Downloads of the export files: each through an `a[download]` with a blob: URL, kept until dispose so the review can
 * list the files as links. The one DOM job of the review controller.
 */
import type { ExportFiles } from '../../../workers/review.api';
import type { ExportedFile } from '../../state/review-slice';

export class Downloads {
  private urls: string[] = [];

  /** Downloads the manifest, the clean and quarantined sets (CSVs, or zips for an image dataset) and the report. */
  saveAll(datasetName: string, files: ExportFiles): ExportedFile[] {
    const base = datasetName.replace(/\.(csv|zip)$/i, '').replace(/[^\w.-]+/g, '_') || 'dataset';
    const type = files.format === 'zip' ? 'application/zip' : 'text/csv';
    return [
      this.save(`${base}.manifest.json`, new Blob([files.manifestText], { type: 'application/json' })),
      this.save(
        `${base}.clean.${files.format}`,
        new Blob([files.clean as Uint8Array<ArrayBuffer>], { type }),
      ),
      this.save(
        `${base}.quarantine.${files.format}`,
        new Blob([files.quarantine as Uint8Array<ArrayBuffer>], { type }),
      ),
      this.save(`${base}.review.csv`, new Blob([files.reportText], { type: 'text/csv' })),
    ];
  }

  private save(name: string, blob: Blob): ExportedFile {
    const url = URL.createObjectURL(blob);
    this.urls.push(url);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
    return { name, url, bytes: blob.size };
  }

  /** Frees every blob: URL. */
  dispose(): void {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
  }
}
