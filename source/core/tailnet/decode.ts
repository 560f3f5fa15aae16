// Windows PowerShell's `>` writes UTF-16LE with a BOM (fixtures/real/*utf16le-bom-crlf*):
// decode by BOM, not by assumption. TextDecoder drops the BOM itself.
export const decodeStatusBytes = (bytes: Uint8Array): string => {
  const [first, second] = bytes;
  if (first === 0xff && second === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (first === 0xfe && second === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
};
