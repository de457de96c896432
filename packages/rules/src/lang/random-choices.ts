/** Random choices from a seeded PRNG (core's seededRandom), for the randomized tests. Test-only. */
export class RandomChoices {
  constructor(protected readonly r: () => number) {}

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }

  chance(p: number): boolean {
    return this.r() < p;
  }
}
