import { openDataset } from '../io/datasets/index.ts';
import { readGot10kLabels } from '../io/datasets/got10k.ts';
import { readLasotVisibility } from '../io/datasets/lasot.ts';
import { regionBox } from '../io/groundtruth.ts';
import { openSequence } from '../io/sequence.ts';
import type { Box } from '../io/box.ts';
import type { InvalidFrames } from './metrics.ts';
import type { GroundTruthSource, SequenceGt } from './otb-gt.ts';
import { canonicalName } from './results-io.ts';

export type OpeDataset = 'got10k' | 'lasot' | 'uav123';

/**
 * Each dataset's toolkit rule for frames without a usable target: GOT-10k scores only frames with
 * cover > 0, pytracking's LaSOT counts occluded and out-of-view frames as misses, and the UAV123
 * (OTB) toolkit counts NaN frames as misses on success and hits on precision (metrics.ts).
 */
const INVALID: Record<OpeDataset, InvalidFrames> = { got10k: 'exclude', lasot: 'miss', uav123: 'otb-toolkit' };

/**
 * Ground truth of a GOT-10k split, LaSOT or UAV123, in the files' own coordinates (as results are
 * written), cut to the frames a tracker is run on. GOT-10k's test split is listed but cannot be
 * loaded: its ground truth is withheld.
 */
export function datasetGroundTruth(root: string, kind: OpeDataset): GroundTruthSource {
  const { entries } = openDataset(root, kind);
  const byName = new Map(entries.map((e) => [canonicalName(e.name), e]));
  return {
    origin: root,
    names: entries.map((e) => e.name),
    load(name): SequenceGt | null {
      const e = byName.get(canonicalName(name));
      if (!e) return null;
      const seq = openSequence(e.dir, e.open);
      if (seq.groundTruth === null) {
        throw new Error(`${e.name}: GOT-10k's test split gives only the first box; only the GOT-10k server can score it (upload the results folder)`);
      }
      const n = seq.groundTruth.length;
      const gt = seq.regions!.map((r): Box => (r === null ? [NaN, NaN, NaN, NaN] : regionBox(r)));
      const out: SequenceGt = { name: e.name, firstFrame: seq.firstFrame, gt, frameCount: n, notes: seq.notes, invalidFrames: INVALID[kind] };
      if (kind === 'lasot') out.visible = readLasotVisibility(e.dir, n);
      if (kind === 'got10k') {
        const labels = readGot10kLabels(e.dir, n);
        out.visible = labels.visible;
        out.resolution = labels.resolution;
      }
      return out;
    },
  };
}
