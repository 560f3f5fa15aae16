// The drill's eyes, from the workstation as a person's kubectl sees the API:
// GET https://ADDRESS/readyz, answered 200 with `ok`. The server certificate
// is verified against the cluster's CA (read from a control plane), so an
// answer from anything but this cluster's apiservers does not count.
import {request} from 'node:https';

export type Probe = (address: string) => Promise<boolean>;

/** A fresh connection per look (no keep-alive), so every look follows the routing of that moment. */
export const readyzProbe =
  (caPem: string, timeoutMs = 1000): Probe =>
  (address) =>
    new Promise((resolve) => {
      const req = request(
        `https://${address}/readyz`,
        {ca: caPem, agent: false, timeout: timeoutMs},
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'ok'));
          res.on('error', () => resolve(false));
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
