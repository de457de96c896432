import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Asset {
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The page's own files (packages/collector/web) and the graph library scripts it loads. */
const OWN = { '/': 'index.html', '/app.js': 'app.js', '/style.css': 'style.css' } as const;

/**
 * The live page's files, read once: its own HTML/JS/CSS and Cytoscape.js with the fCoSE layout
 * (and the two packages fCoSE builds on), taken from node_modules as their authors publish them.
 */
export class WebAssets {
  private readonly files = new Map<string, Asset>();

  constructor() {
    const web = fileURLToPath(new URL('../../web/', import.meta.url));
    for (const [path, file] of Object.entries(OWN)) this.files.set(path, asset(`${web}${file}`));
    const require = createRequire(import.meta.url);
    const fcose = require.resolve('cytoscape-fcose');
    const fromFcose = createRequire(fcose);
    const coseBase = fromFcose.resolve('cose-base');
    const vendor: Record<string, string> = {
      '/vendor/cytoscape.min.js': require.resolve('cytoscape/dist/cytoscape.min.js'),
      '/vendor/layout-base.js': createRequire(coseBase).resolve('layout-base'),
      '/vendor/cose-base.js': coseBase,
      '/vendor/cytoscape-fcose.js': fcose,
    };
    for (const [path, file] of Object.entries(vendor)) this.files.set(path, asset(file));
  }

  get(path: string): Asset | undefined {
    return this.files.get(path);
  }
}

function asset(file: string): Asset {
  const ext = file.slice(file.lastIndexOf('.'));
  return { type: TYPES[ext] ?? 'application/octet-stream', body: readFileSync(file) };
}
