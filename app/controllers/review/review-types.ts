/** The review worker's types that views read through the review controller. */
export type {
  ColourBy,
  Distribution,
  FamilyDetail,
  MapLayer,
  MapPoints,
  MapSpace,
  NamedRow,
  Neighbour,
  ReviewRow,
  RowDetail,
  TabularEvidence,
} from '../../../workers/review.api';
