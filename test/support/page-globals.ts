/**
 * The few browser globals the functions our tests evaluate inside a page use, typed for the
 * Node-side type check (the project compiles without the DOM library). Import as
 * `import type { PageDocument, PageWindow } from '../support/page-globals.js'` and declare
 * `declare const document: PageDocument; declare const window: PageWindow;` in the test file.
 */
export interface PageElement {
  textContent: string | null;
  innerHTML: string;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { left: number; top: number };
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
}

export interface PageDocument {
  body: { dataset: Record<string, string | undefined> };
  getElementById(id: string): PageElement | null;
}

export type PageWindow = Record<string, unknown>;
