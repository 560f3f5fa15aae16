// Real X.509 certificates from Node's crypto alone (no openssl, so the
// in-process demo can mint them too): a tiny DER encoder for the few
// structures kubeadm's PKI needs. The CA is RSA 2048 like kubeadm's default;
// `crypto.X509Certificate` parses and verifies everything made here.
import {createHash, generateKeyPairSync, randomBytes, sign, type KeyObject} from 'node:crypto';

const length = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from([tag]), length(body.length), body]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const integer = (bytes: Buffer) =>
  tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const small = (n: number) => integer(Buffer.from([n]));
const bool = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0]));
const octets = (body: Buffer) => tlv(0x04, body);
const bits = (body: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), body]));
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const explicit = (n: number, body: Buffer) => tlv(0xa0 + n, body);
const oid = (dotted: string): Buffer => {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let v = part;
    do {
      chunk.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
};
const time = (date: Date) => {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
};

export interface Name {
  readonly commonName: string;
  readonly organization?: string;
}
const name = (n: Name) =>
  seq(
    ...(n.organization ? [set(seq(oid('2.5.4.10'), utf8(n.organization)))] : []),
    set(seq(oid('2.5.4.3'), utf8(n.commonName))),
  );

const ipBytes = (ip: string): Buffer | undefined => {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (v4) return Buffer.from(v4.slice(1).map(Number));
  if (ip === '::1') return Buffer.from([...new Array<number>(15).fill(0), 1]);
  return undefined;
};

export interface CertRequest {
  readonly subject: Name;
  /** The issuer's certificate subject and key; absent: self-signed. */
  readonly issuer?: {readonly subject: Name; readonly key: KeyObject};
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  readonly isCa: boolean;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly dnsNames?: readonly string[];
  readonly ips?: readonly string[];
  readonly serverAuth?: boolean;
  readonly clientAuth?: boolean;
}

const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0)));

/** A DER certificate, as PEM. */
export const makeCertificate = (request: CertRequest): string => {
  const spki = request.publicKey.export({type: 'spki', format: 'der'});
  const skid = createHash('sha1').update(spki).digest();
  const extensions: Buffer[] = [
    seq(
      oid('2.5.29.15'),
      bool(true),
      // keyUsage: CA: digitalSignature, keyEncipherment, keyCertSign; leaf: digitalSignature, keyEncipherment.
      octets(bits(Buffer.from([request.isCa ? 0xa4 : 0xa0]))),
    ),
    seq(oid('2.5.29.19'), bool(true), octets(seq(...(request.isCa ? [bool(true)] : [])))),
  ];
  const usages = [
    ...(request.serverAuth ? [oid('1.3.6.1.5.5.7.3.1')] : []),
    ...(request.clientAuth ? [oid('1.3.6.1.5.5.7.3.2')] : []),
  ];
  if (usages.length > 0) extensions.push(seq(oid('2.5.29.37'), octets(seq(...usages))));
  if (request.isCa) extensions.push(seq(oid('2.5.29.14'), octets(octets(skid))));
  const sans = [
    ...(request.dnsNames ?? []).map((d) => tlv(0x82, Buffer.from(d))),
    ...(request.ips ?? []).flatMap((ip) => {
      const bytes = ipBytes(ip);
      return bytes ? [tlv(0x87, bytes)] : [];
    }),
  ];
  if (sans.length > 0) extensions.push(seq(oid('2.5.29.17'), octets(seq(...sans))));
  const serial = randomBytes(8);
  // Positive, and no leading zero byte: DER forbids one ("illegal padding" in
  // OpenSSL), which a first byte of 0 left ~1 certificate in 256 unreadable.
  serial[0] = (serial[0]! % 0x7f) + 1;
  const tbs = seq(
    explicit(0, small(2)),
    integer(serial),
    sha256WithRsa,
    name(request.issuer?.subject ?? request.subject),
    seq(time(request.notBefore), time(request.notAfter)),
    name(request.subject),
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, request.issuer?.key ?? request.privateKey);
  const der = seq(tbs, sha256WithRsa, bits(signature));
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
};

export interface KeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}
export const rsaKeyPair = (): KeyPair => generateKeyPairSync('rsa', {modulusLength: 2048});
export const keyPem = (key: KeyObject) => key.export({type: 'pkcs8', format: 'pem'}).toString();

/** kubeadm's CA: CN=kubernetes, 10 years. */
export const makeCa = (now: Date) => {
  const pair = rsaKeyPair();
  const subject = {commonName: 'kubernetes'};
  const cert = makeCertificate({
    subject,
    ...pair,
    isCa: true,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 86_400_000),
  });
  return {certPem: cert, keyPem: keyPem(pair.privateKey)};
};
