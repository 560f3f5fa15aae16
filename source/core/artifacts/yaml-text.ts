import {Document, isMap, isScalar} from 'yaml';

export interface YamlDocument {
  readonly contents: unknown;
  /** A header comment for the document, one `#` line per line of text. */
  readonly comment?: string;
  /** Comments put above top-level keys, by key. */
  readonly keyComments?: Readonly<Record<string, string>>;
}

const withHash = (text: string): string =>
  text
    .split('\n')
    .map((line) => ` ${line}`)
    .join('\n');

/**
 * One YAML stream of `---`-separated documents. Written as YAML 1.1 because
 * kubeadm and Helm read it with Go's YAML 1.1 parser (sigs.k8s.io/yaml), where
 * a plain `on`, `yes` or `no` is a boolean: a node named `on` must stay a string.
 */
export const yamlText = (documents: readonly YamlDocument[]): string =>
  documents
    .map((document, index) => {
      const doc = new Document(document.contents, {version: '1.1'});
      if (document.comment !== undefined) doc.commentBefore = withHash(document.comment);
      // `---` before every document but the first; a Document built with a
      // version always has directives, the check only satisfies the type.
      if (index > 0 && doc.directives) doc.directives.docStart = true;
      const comments = document.keyComments ?? {};
      if (isMap(doc.contents)) {
        for (const pair of doc.contents.items) {
          const key = pair.key;
          if (isScalar(key) && typeof key.value === 'string') {
            const comment = comments[key.value];
            if (comment !== undefined) key.commentBefore = withHash(comment);
          }
        }
      }
      return doc.toString({lineWidth: 0});
    })
    .join('');
