// Text tables in pysot's `show_result` style, shared by the OPE and VOT reports.

const center = (s: string, w: number): string => {
  const pad = Math.max(0, w - s.length);
  return ' '.repeat(Math.floor(pad / 2)) + s + ' '.repeat(pad - Math.floor(pad / 2));
};

export const row = (cells: readonly string[], widths: readonly number[]): string => `|${cells.map((c, i) => center(c, widths[i]!)).join('|')}|`;

/**
 * Per-sequence rows: a header of tracker names, under each its `columns` (e.g. success, precision),
 * then one row a sequence with `cells(sequence, tracker index)` giving that tracker's values.
 */
export function perSequenceRows(
  sequences: readonly string[],
  trackers: readonly string[],
  columns: readonly string[],
  cells: (sequence: string, tracker: number) => string[],
): string[] {
  const seqW = Math.max(12, ...sequences.map((s) => s.length + 2));
  const trackerW = trackers.map((t) => Math.max(12 * columns.length + 1, t.length + 2));
  const header1 = row(['Tracker name', ...trackers], [seqW, ...trackerW]);
  const split = (w: number) => columns.map((_, k) => Math.floor((w - (columns.length - 1)) / columns.length) + (k === columns.length - 1 ? (w - (columns.length - 1)) % columns.length : 0));
  const cellW = [seqW, ...trackerW.flatMap(split)];
  const header2 = row(['Video name', ...trackers.flatMap(() => columns)], cellW);
  const bar = '-'.repeat(header1.length);
  return [bar, header1, header2, bar, ...sequences.map((s) => row([s, ...trackers.flatMap((_, i) => cells(s, i))], cellW)), bar];
}

/** `skipped N (reason): names`, one line a reason; long lists are cut (published folders cover all of OTB-100). */
export function skippedLines(skipped: readonly { sequence: string; reason: string }[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.sequence]);
  return [...byReason].map(([reason, seqs]) => {
    const names = seqs.length > 12 ? `${seqs.slice(0, 10).join(', ')} and ${seqs.length - 10} more` : seqs.join(', ');
    return `skipped ${seqs.length} (${reason}): ${names}`;
  });
}
