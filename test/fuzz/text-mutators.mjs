// Mutators for configs and rule files: text edits of a valid file, and hostile shapes (alias
// bombs, deep nesting, over-long expressions). Plain JavaScript, shared by `npm run fuzz` and CI.
const ALPHABET = ' \n\t:-[]{}",\'#&*!|>%@`$\\/.0123456789abcdefghijklmnopqrstuvwxyz_~=<>()';
const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const int = (rand, n) => Math.floor(rand() * n);

/** Cuts a valid text, flips characters, inserts and deletes runs. */
export function textEdits(rand, text) {
  const chars = [...text];
  const edits = 1 + int(rand, 6);
  for (let e = 0; e < edits; e++) {
    const at = int(rand, chars.length + 1);
    const kind = rand();
    if (kind < 0.25) chars.length = at;
    else if (kind < 0.5) chars.splice(at, 1 + int(rand, 4));
    else if (kind < 0.75) chars.splice(at, 0, pick(rand, ALPHABET));
    else chars[at] = pick(rand, ALPHABET);
  }
  return chars.join('');
}

/** YAML whose aliases expand exponentially, under the given key. */
export function aliasBomb(rand, key) {
  const levels = 3 + int(rand, 10);
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n${key}: *a${levels - 1}\n`;
}

/** Mappings or sequences nested hundreds deep, flow or block. */
export function deepNesting(rand, key) {
  const depth = pick(rand, [65, 200, 1000, 5000]);
  if (rand() < 0.5) return `${key}: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
  return `${key}:\n${Array.from({ length: depth }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')}\n`;
}

/** A rule whose expression is thousands of terms long, or parenthesized thousands deep. */
export function longExpression(rand) {
  const n = pick(rand, [500, 3000, 20000]);
  const expression =
    rand() < 0.5
      ? Array.from({ length: n }, (_, i) => `tcp.dstport eq ${i % 65536}`).join(' and ')
      : `${'('.repeat(n)}tcp.dstport eq 22${')'.repeat(n)}`;
  return `- id: long\n  expression: '${expression}'\n  action: log\n`;
}
