/** A progress bar on a terminal; plain lines when the output is a file or a pipe. */
export interface ProgressState {
  epoch: number;
  epochs: number;
  step: number;
  totalSteps: number;
  samplesPerSecond: number;
  text: string;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

export function progressLine(p: ProgressState, width = 24): string {
  const frac = p.totalSteps > 0 ? Math.min(1, p.step / p.totalSteps) : 0;
  const filled = Math.round(frac * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  return `${bar} ${String(Math.round(frac * 100)).padStart(3)}% epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.totalSteps} ${p.samplesPerSecond.toFixed(0)} img/s ${p.text}`;
}

export class ProgressBar {
  private lastPlain = 0;
  private startedAt = Date.now();
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  update(p: ProgressState): void {
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const eta = p.step > 0 ? (elapsed / p.step) * (p.totalSteps - p.step) : NaN;
    const line = `${progressLine(p)} ETA ${formatDuration(eta)}`;
    if (this.tty) {
      const cols = this.stream.columns || 120;
      this.stream.write(`\r${line.slice(0, cols - 1).padEnd(cols - 1)}`);
    } else if (Date.now() - this.lastPlain > 2000 || p.step === p.totalSteps) {
      this.lastPlain = Date.now();
      this.stream.write(`${line}\n`);
    }
  }

  /** Prints a line that stays (e.g. an epoch summary) without breaking the bar. */
  log(text: string): void {
    if (this.tty) this.stream.write(`\r${' '.repeat((this.stream.columns || 120) - 1)}\r`);
    this.stream.write(`${text}\n`);
  }

  done(): void {
    if (this.tty) this.stream.write('\n');
  }
}
