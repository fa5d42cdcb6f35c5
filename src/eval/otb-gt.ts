import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Box } from '../io/box.ts';
import type { InvalidFrames } from './metrics.ts';
import { canonicalName, parseBoxText } from './results-io.ts';

/** Ground truth of one OTB sequence, already cut to the frames a tracker is run on. */
export interface SequenceGt {
  /** Display name as the published results spell it: `Jogging-1`, `Human4-2`, `David`. */
  name: string;
  /** Image number of GT row 1 (David 300, Tiger1 6, most 1). */
  firstFrame: number;
  gt: Box[];
  /** Images from firstFrame on, when the folder has an img/ dir; null otherwise (JSON source). */
  frameCount: number | null;
  /** Which OTB quirks were applied, for the report. */
  notes: string[];
  /** Per frame, whether the target is visible (LaSOT, GOT-10k); absent: every frame. */
  visible?: boolean[];
  /** How frames with invalid ground truth or an invisible target count (metrics.ts); absent: 'exclude'. */
  invalidFrames?: InvalidFrames;
  /** GOT-10k: the image size boxes are clipped to for AO and SR, which are computed only where it is given. */
  resolution?: [number, number];
}

export interface GroundTruthSource {
  /** A dataset folder or an otb2015.json-style file. */
  origin: string;
  names: string[];
  /** null when the sequence is not in this source. */
  load(name: string): SequenceGt | null;
}

/**
 * Sequences whose annotations do not start at image 1 (pytracking `otbdataset.py`, TADT `load_seq_info.m`):
 * startFrame is the image number of GT line 1; initOmit drops that many leading GT lines and images (Tiger1).
 */
const QUIRKS: Record<string, { startFrame?: number; initOmit?: number }> = {
  blurcar1: { startFrame: 247 },
  blurcar3: { startFrame: 3 },
  blurcar4: { startFrame: 18 },
  david: { startFrame: 300 },
  tiger1: { initOmit: 5 },
};

/** Ground truth from a folder in OTB layout, or from a JSON file shaped like otb2015.json. */
export function openGroundTruth(path: string): GroundTruthSource {
  if (!existsSync(path)) throw new Error(`ground truth not found: ${path}`);
  return statSync(path).isDirectory() ? folderSource(path) : jsonSource(path);
}

/** `Jogging/groundtruth_rect.2.txt` is sequence `Jogging-2` (and Human4's only file is `.2`, so `Human4-2`). */
function folderSource(root: string): GroundTruthSource {
  const entries = new Map<string, { dir: string; file: string; name: string }>();
  for (const dir of readdirSync(root).sort()) {
    const full = join(root, dir);
    if (!statSync(full).isDirectory()) continue;
    const gts = readdirSync(full).filter((f) => /^groundtruth_rect(\.\d+)?\.txt$/i.test(f)).sort();
    for (const file of gts) {
      const n = /\.(\d+)\.txt$/i.exec(file)?.[1];
      const name = n === undefined || /[-_]\d+$/.test(dir) ? dir : `${dir}-${n}`;
      entries.set(canonicalName(name), { dir: full, file, name });
    }
  }
  return {
    origin: root,
    names: [...entries.values()].map((e) => e.name),
    load(name) {
      const e = entries.get(canonicalName(name));
      return e ? loadFolderSequence(e.dir, e.file, e.name) : null;
    },
  };
}

function loadFolderSequence(dir: string, file: string, name: string): SequenceGt {
  const path = join(dir, file);
  let gt = parseBoxText(readFileSync(path, 'utf8'), path);
  const notes: string[] = [];
  const quirk = QUIRKS[canonicalName(name)] ?? {};
  const omit = quirk.initOmit ?? 0;
  const firstFrame = (quirk.startFrame ?? 1) + omit;
  if (quirk.startFrame !== undefined) notes.push(`annotations start at image ${quirk.startFrame}`);
  if (omit > 0) {
    gt = gt.slice(omit);
    notes.push(`first ${omit} annotations omitted (initOmit)`);
  }
  const frameCount = countImages(join(dir, 'img'), firstFrame);
  if (frameCount !== null && gt.length !== frameCount) {
    notes.push(`${gt.length} annotations for ${frameCount} images: using ${Math.min(gt.length, frameCount)} frames`);
    gt = gt.slice(0, frameCount);
  }
  return { name, firstFrame, gt, frameCount, notes };
}

/** Images numbered >= firstFrame, whatever the digit count (Board uses 5) or extension (KiteSurf is .png). */
function countImages(imgDir: string, firstFrame: number): number | null {
  if (!existsSync(imgDir)) return null;
  return readdirSync(imgDir).filter((f) => {
    const m = /^(\d+)\.(jpe?g|png)$/i.exec(f);
    return m !== null && Number(m[1]) >= firstFrame;
  }).length;
}

interface JsonSequence {
  name: string;
  image_files: string[];
  gt_rect: number[][];
}

/** otb2015.json keys two-target sequences `jogging_1` with name `Jogging`; results call them `Jogging-1`. */
function jsonSource(path: string): GroundTruthSource {
  const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, JsonSequence>;
  const byName = new Map<string, SequenceGt>();
  for (const [key, seq] of Object.entries(data)) {
    if (!seq || !Array.isArray(seq.gt_rect) || !Array.isArray(seq.image_files)) throw new Error(`${path}: entry "${key}" lacks gt_rect or image_files`);
    const suffix = /_(\d+)$/.exec(key)?.[1];
    const name = suffix === undefined ? seq.name : `${seq.name}-${suffix}`;
    const firstFrame = Number.parseInt(seq.image_files[0] ?? '1', 10);
    byName.set(canonicalName(name), {
      name,
      firstFrame,
      gt: seq.gt_rect.map((r) => r.map(Number) as unknown as Box),
      frameCount: seq.image_files.length,
      notes: firstFrame === 1 ? [] : [`annotations start at image ${firstFrame}`],
    });
  }
  return {
    origin: path,
    names: [...byName.values()].map((s) => s.name),
    load: (name) => byName.get(canonicalName(name)) ?? null,
  };
}
