// An esbuild plugin: Ink's `string-width` (the top-level one) becomes
// screens/components/string-width.ts, which answers plain one-column text
// itself and hands the rest to string-width. Other copies of string-width
// (an older one under @inquirer) stay as they are.
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const wrapper = fileURLToPath(new URL('../screens/components/string-width.ts', import.meta.url));
const inkStringWidth = createRequire(import.meta.url).resolve('string-width');

/** @type {import('esbuild').Plugin} */
export const fastStringWidth = {
  name: 'fast-string-width',
  setup(build) {
    build.onResolve({filter: /^string-width$/}, async (args) => {
      if (args.importer === wrapper || args.pluginData === 'real') return undefined;
      const real = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: 'real',
      });
      if (real.errors.length > 0) return {errors: real.errors};
      return real.path === inkStringWidth ? {path: wrapper} : {path: real.path};
    });
  },
};
