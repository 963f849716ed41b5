import { useEffect, useRef, useState } from 'react';
import { drawGreyImage, valueRange } from '../charts/image';
import type { DatasetMeta } from '../controllers/ingest/controller';

interface ImageSamplesProps {
  meta: DatasetMeta;
  image: { width: number; height: number };
}

/** "Render rows as W×H images": a grid of the stored sample rows, on by default for square feature counts. */
export function ImageSamples({ meta, image }: ImageSamplesProps) {
  const [on, setOn] = useState(true);
  const featureCount = meta.featureNames.length;
  // One grey scale for every pixel, from the smallest feature min to the largest feature max, so
  // thumbnails compare with one another (a per-feature scale would flatten the images).
  const { lo, hi } = valueRange(meta.stats.min, meta.stats.max);
  return (
    <section className="panel" aria-labelledby="images-title">
      <h3 id="images-title">Rows as images</h3>
      <label>
        <input type="checkbox" checked={on} onChange={(event) => setOn(event.currentTarget.checked)} /> Render
        rows as {image.width}×{image.height} images
      </label>
      {on && (
        <ul className="thumbs" data-testid="thumbnails">
          {meta.sample.rows.map((row, k) => (
            <li key={row}>
              <Thumbnail
                values={meta.sample.features.subarray(k * featureCount, (k + 1) * featureCount)}
                image={image}
                lo={lo}
                hi={hi}
                label={`Row ${row}, label ${meta.classes[meta.sample.labels[k] ?? -1] ?? '?'}`}
              />
              <span className="thumb-label">{meta.classes[meta.sample.labels[k] ?? -1] ?? '?'}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface ThumbnailProps {
  values: Float32Array;
  image: { width: number; height: number };
  lo: number;
  hi: number;
  label: string;
}

function Thumbnail({ values, image, lo, hi, label }: ThumbnailProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current) drawGreyImage(canvas.current, values, image, lo, hi);
  }, [values, image, lo, hi]);
  return <canvas ref={canvas} className="thumb" role="img" aria-label={label} />;
}
