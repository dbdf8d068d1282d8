import cliProgress from 'cli-progress';
import type { ImportProgress } from '../import-files.ts';

/** A progress bar on stderr when it is a terminal; nothing otherwise (scripts and CI stay quiet). */
export function importProgressBar(): { update: (p: ImportProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {phase} {file} [{bar}] {percentage}% | {value}/{total} MB', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let file = '';
  return {
    update(p) {
      const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
      if (p.phase === 'writing') {
        if (started) bar.stop();
        started = false;
        process.stderr.write(' writing the cache…\n');
        return;
      }
      if (!started || p.file !== file) {
        if (started) bar.stop();
        bar.start(mb(p.totalBytes), 0, { phase: 'reading', file: p.file });
        started = true;
        file = p.file;
      }
      bar.update(mb(p.bytesRead), { phase: 'reading', file: p.file });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
