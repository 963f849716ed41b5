/** The map colourings as CSS colours (d3's schemes), and packed for the review worker's rasteriser. */
import * as d3 from 'd3';
import { packColour } from '../../../workers/core/review/map-geometry';
import type { ColourBy } from '../../controllers/review/controller';

const SUSPICION_STEPS = 256;

/** The CSS colours of a colouring, indexed as the worker's MapLayerRequest says. */
export function paletteOf(by: ColourBy): readonly string[] {
  switch (by) {
    case 'label':
      return d3.schemeTableau10;
    case 'suspicion':
      return Array.from({ length: SUSPICION_STEPS }, (_, i) =>
        d3.interpolateViridis(i / (SUSPICION_STEPS - 1)),
      );
    case 'flag':
      return ['#b7bcc4', '#d1242f'];
    case 'decision':
      return ['#b7bcc4', '#1a7f37', '#d1242f'];
    default:
      return by satisfies never;
  }
}

/** A palette packed 0xAABBGGRR (grey for a colour the packer cannot read). */
export function packedPalette(colours: readonly string[]): Uint32Array {
  return Uint32Array.from(colours, (c) => packColour(c) ?? packColour('#888888') ?? 0);
}
