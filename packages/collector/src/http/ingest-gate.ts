/**
 * At most `limit` uploads are read, parsed and stored at once; the others wait before their body is
 * read (TCP holds it), so a hundred agents arriving together cost `limit` slices of memory, not a
 * hundred. Waiters are served in arrival order.
 */
export class IngestGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  peakWaiting = 0;

  constructor(readonly limit: number) {}

  async enter(): Promise<() => void> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        this.peakWaiting = Math.max(this.peakWaiting, this.waiting.length);
      });
    } else {
      this.active++;
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting.shift();
      if (next !== undefined)
        next(); // the slot passes straight to the next upload
      else this.active--;
    };
  }
}
