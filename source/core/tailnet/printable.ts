// Tailnet strings end up on the user's terminal: a HostName carrying an escape
// sequence must not be able to move the cursor or retitle the window. Control
// characters are shown as visible escapes instead (`\x1b`), never interpreted.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

// Tested first, since nearly every string is clean and a test builds nothing.
const anyControlCharacter = new RegExp(controlCharacters.source);

export const printable = (text: string): string =>
  !anyControlCharacter.test(text)
    ? text
    : text.replace(controlCharacters, (character) => {
        const code = character.codePointAt(0) ?? 0;
        return code > 0xff
          ? `\\u${code.toString(16).padStart(4, '0')}`
          : `\\x${code.toString(16).padStart(2, '0')}`;
      });
