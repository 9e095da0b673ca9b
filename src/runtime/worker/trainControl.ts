/** Pause, single steps and live values of a training run, shared by the trainer and whoever drives it. */
/** What the last step really trained with: the optimizer's learning rate and the live values the nodes read. */
export interface AppliedSettings {
  learningRate: number;
  live: Record<string, Record<string, number>>;
}

/** Pause, single-step and live changes while training runs. */
export class TrainControl {
  paused = false;
  private stepsAllowed = 0;
  private wake: (() => void) | null = null;
  learningRate: number | undefined;
  readonly live: Record<string, Record<string, number>> = {};

  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.wakeUp();
  }
  /** While paused: run `n` more steps, then pause again. */
  step(n = 1): void {
    this.stepsAllowed += n;
    this.wakeUp();
  }
  setLive(nodeId: string, key: string, value: number): void {
    (this.live[nodeId] ??= {})[key] = value;
  }
  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
  /** Resolves when a step may run; rejects nothing (abort is checked by the caller). */
  async gate(signal: AbortSignal | undefined): Promise<void> {
    while (this.paused && this.stepsAllowed === 0 && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    if (this.paused && this.stepsAllowed > 0) this.stepsAllowed--;
  }
}
