// @ts-check
'use strict';
/**
 * Opens probe connections from inside one namespace and prints one JSON line of results.
 * Run as `ip netns exec NS node probe-helper.cjs`.
 * Input on stdin: {"timeoutMs":800,"targets":[{"ip":"198.18.1.2","port":80,"protocol":"TCP"}]}.
 * Result per target: "open" (connected or answered), "refused" (RST / ICMP port
 * unreachable: the network let it through), "timeout" (dropped), or "error:<code>".
 */
const net = require('node:net');
const dgram = require('node:dgram');

/** @typedef {{ ip: string, port: number, protocol: 'TCP' | 'UDP' }} Target */

let input = '';
process.stdin
  .setEncoding('utf8')
  .on('data', (d) => {
    input += d;
  })
  .on('end', () => main(JSON.parse(input)));

/** @param {unknown} e */
const codeOf = (e) => /** @type {{ code?: string }} */ (e).code;

/** @param {{ timeoutMs: number, targets: Target[] }} spec */
function main(spec) {
  const t = spec.timeoutMs;
  /** @param {Target} x @returns {Promise<string>} */
  const tcp = (x) =>
    new Promise((resolve) => {
      const s = net.connect({ host: x.ip, port: x.port });
      /** @param {string} r */
      const done = (r) => {
        clearTimeout(timer);
        s.destroy();
        resolve(r);
      };
      const timer = setTimeout(() => done('timeout'), t);
      s.once('connect', () => done('open'));
      s.once('error', (e) => done(codeOf(e) === 'ECONNREFUSED' ? 'refused' : `error:${codeOf(e)}`));
    });
  /** @param {Target} x @returns {Promise<string>} */
  const udp = (x) =>
    new Promise((resolve) => {
      const u = dgram.createSocket('udp4');
      let finished = false;
      /** @type {NodeJS.Timeout | undefined} */
      let again;
      /** @param {string} r */
      const done = (r) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        clearInterval(again);
        try {
          u.close();
        } catch {}
        resolve(r);
      };
      const timer = setTimeout(() => done('timeout'), t);
      u.on('message', () => done('open'));
      u.on('error', (e) => done(codeOf(e) === 'ECONNREFUSED' ? 'refused' : `error:${codeOf(e)}`));
      u.connect(x.port, x.ip, () => {
        const ping = () =>
          u.send(Buffer.from('netpol-probe\n'), (e) => {
            if (e) done(codeOf(e) === 'ECONNREFUSED' ? 'refused' : `error:${codeOf(e)}`);
          });
        ping();
        again = setInterval(ping, Math.max(100, Math.floor(t / 4)));
      });
    });
  Promise.all(spec.targets.map((x) => (x.protocol === 'UDP' ? udp(x) : tcp(x)))).then((r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  });
}
