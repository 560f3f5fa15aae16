// esbuild plugins that put a faster module of ours in front of one of Ink's
// dependencies, answering the common case itself and handing the rest to the
// real module (each wrapper's own comment says what, and a test holds it to
// the real module's answers). Only the copy Ink resolves is replaced: other
// copies (an older string-width under @inquirer) stay as they are.
import {dirname} from 'node:path';
import {fileURLToPath} from 'node:url';

// Where Ink's own imports resolve from.
const inkDir = dirname(fileURLToPath(import.meta.resolve('ink')));

/** @returns {import('esbuild').Plugin} */
const inFrontOf = (name, specifier, wrapperFile) => {
  const wrapper = fileURLToPath(new URL(`../screens/components/${wrapperFile}`, import.meta.url));
  const filter = new RegExp(`^${specifier.replace(/[/@.]/g, '\\$&')}$`);
  return {
    name,
    setup(build) {
      let inksCopy;
      build.onResolve({filter}, async (args) => {
        if (args.importer === wrapper || args.pluginData === 'real') return undefined;
        const real = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: 'real',
        });
        if (real.errors.length > 0) return {errors: real.errors};
        inksCopy ??= (
          await build.resolve(specifier, {
            kind: 'import-statement',
            resolveDir: inkDir,
            pluginData: 'real',
          })
        ).path;
        return real.path === inksCopy ? {path: wrapper} : {path: real.path};
      });
    },
  };
};

/** Ink's `string-width`: plain one-column text measured without its emoji pattern. */
export const fastStringWidth = inFrontOf('fast-string-width', 'string-width', 'string-width.ts');
/** Ink's `@alcalzone/ansi-tokenize`: a frame's rows joined without diffing equal styles. */
export const fastStyledChars = inFrontOf(
  'fast-styled-chars',
  '@alcalzone/ansi-tokenize',
  'styled-chars.ts',
);
export const inkFastPaths = [fastStringWidth, fastStyledChars];
