/**
 * The files every generated plugin package has, whatever its kind: manifest, TypeScript configs
 * (standalone: nothing extends a file outside the package), ignore file.
 */

/** Versions the generated package develops with: the ones glia itself builds and tests with. */
export const DEV_DEPENDENCIES = {
  '@types/node': '^20.19.43',
  typescript: '^5.9.3',
  vitest: '^4.1.12',
} as const;

export interface PluginNames {
  /** lower_snake_case plugin type, also the namespace of an enricher's fields. */
  type: string;
  /** npm package name. */
  pkg: string;
  /** PascalCase stem for class names. */
  pascal: string;
}

export function namesOf(name: string): PluginNames {
  const type = name.replace(/-/g, '_');
  const pascal = type
    .split('_')
    .filter((w) => w.length > 0)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
  return { type, pkg: `glia-plugin-${type.replace(/_/g, '-')}`, pascal };
}

export function packageJson(names: PluginNames, kind: string, coreSpec: string): string {
  const manifest = {
    name: names.pkg,
    version: '0.1.0',
    description: `A glia ${kind} plugin (${names.type})`,
    type: 'module',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    files: ['dist'],
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      test: 'vitest run',
    },
    dependencies: { '@glia/core': coreSpec },
    devDependencies: DEV_DEPENDENCIES,
    license: 'Apache-2.0',
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2023'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  declaration: true,
  sourceMap: true,
  types: ['node'],
};

/** tsconfig.json checks sources and tests; tsconfig.build.json emits dist/ without the tests. */
export function tsconfigs(): { check: string; build: string } {
  const check = { compilerOptions: { ...COMPILER_OPTIONS, noEmit: true }, include: ['src'] };
  const build = {
    compilerOptions: { ...COMPILER_OPTIONS, rootDir: 'src', outDir: 'dist' },
    include: ['src'],
    exclude: ['src/**/*.test.ts'],
  };
  return { check: `${JSON.stringify(check, null, 2)}\n`, build: `${JSON.stringify(build, null, 2)}\n` };
}

export const GITIGNORE = 'node_modules/\ndist/\n';
