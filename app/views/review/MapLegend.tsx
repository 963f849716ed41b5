/**
 * What a review map's colours, marks and axes mean: the colour key of the current colouring (with the class names
 * when colouring by label), the selection's mark, the axis names of the plotted quantities and, for cartography,
 * the range each axis spans. The quantities are named as workers/core/scores/trajectory.ts computes them.
 */
import type { ScatterFrame } from '../../charts/scatter';
import type { ColourBy, MapSpace } from '../../controllers/review/controller';

/** Axis names of each map, as the plotted numbers are computed. */
export const AXES: Readonly<Record<MapSpace, { x: string; y: string }>> = {
  pca: {
    x: '1st principal component of the model’s penultimate-layer embedding',
    y: '2nd principal component',
  },
  umap: {
    x: 'UMAP 1 of the model’s penultimate-layer embedding (only neighbourhoods are meaningful)',
    y: 'UMAP 2',
  },
  cartography: {
    x: 'variability: std over epochs of the probability of the given label',
    y: 'confidence: mean over epochs of the probability of the given label',
  },
};

/** The colour key's entries of a categorical colouring (suspicion is a ramp, drawn apart). */
export function legendEntries(
  by: ColourBy,
  palette: readonly string[],
  classes: readonly string[],
): Array<{ colour: string; text: string }> {
  switch (by) {
    case 'label':
      return classes.map((c, i) => ({ colour: palette[i % palette.length] ?? '#888', text: c }));
    case 'flag':
      return [
        { colour: palette[0] ?? '#888', text: 'flagged by no family' },
        { colour: palette[1] ?? '#888', text: 'flagged by at least one family' },
      ];
    case 'decision':
      return [
        { colour: palette[0] ?? '#888', text: 'undecided' },
        { colour: palette[1] ?? '#888', text: 'kept' },
        { colour: palette[2] ?? '#888', text: 'quarantined' },
      ];
    case 'suspicion':
      return [];
    default:
      return by satisfies never;
  }
}

const tick = (v: number) => Number(v.toPrecision(2)).toString();

/** The colour key beside a map. */
export function MapLegend({
  testSpace,
  by,
  palette,
  classes,
  selected,
}: {
  testSpace: string;
  by: ColourBy;
  palette: readonly string[];
  classes: readonly string[];
  selected: number;
}) {
  const entries = legendEntries(by, palette, classes);
  return (
    <ul className="map-legend" data-testid={`map-legend-${testSpace}`} data-by={by}>
      {by === 'label' && <li className="muted">colour: given label</li>}
      {entries.map((e) => (
        <li key={e.text}>
          <span className="swatch" style={{ background: e.colour }} /> {e.text}
        </li>
      ))}
      {by === 'label' && classes.length > palette.length && (
        <li className="muted">colours repeat after {palette.length} classes</li>
      )}
      {by === 'suspicion' && (
        <li>
          suspicion 0{' '}
          <span
            className="ramp"
            style={{
              background: `linear-gradient(to right, ${palette[0]}, ${palette[Math.floor(palette.length / 2)]}, ${palette[palette.length - 1]})`,
            }}
          />{' '}
          1
        </li>
      )}
      <li>
        <span className="swatch selected-mark" /> selected ({selected.toLocaleString()})
      </li>
    </ul>
  );
}

/** The axis names around a map; cartography's also say the range its points span (its numbers mean something). */
export function MapAxes({
  space,
  testSpace,
  frame,
  children,
}: {
  space: MapSpace;
  testSpace: string;
  frame: ScatterFrame | null;
  children: React.ReactNode;
}) {
  const names = AXES[space];
  const ranged = space === 'cartography' && frame;
  return (
    <div className="map-axes">
      <div className="map-axis-y" data-testid={`map-axis-y-${testSpace}`}>
        {/* Turned to read upwards: the first span sits at the bottom. */}
        {ranged && <span>{tick(frame.y0)}</span>}
        <span>{names.y} →</span>
        {ranged && <span>{tick(frame.y1)}</span>}
      </div>
      {children}
      <div className="map-axis-x" data-testid={`map-axis-x-${testSpace}`}>
        {ranged && <span>{tick(frame.x0)}</span>}
        <span>{names.x} →</span>
        {ranged && <span>{tick(frame.x1)}</span>}
      </div>
    </div>
  );
}
