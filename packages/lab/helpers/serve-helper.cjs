// @ts-check
'use strict';
/**
 * Creates the listening sockets of one pod inside its namespace and hands them to the agent
 * (its parent) over Node's IPC channel, then exits: the agent owns every pod's sockets.
 * Run as `ip netns exec NS node serve-helper.cjs` (plain CommonJS: starts in tens of ms, no
 * TypeScript loader). Input: env NP_SPEC = {"ports":[{"port":80,"protocol":"TCP","role":"http"}]}.
 */
const net = require('node:net');
const dgram = require('node:dgram');

/** @typedef {{ port: number, protocol: 'TCP' | 'UDP', role: string }} PortSpec */

/** @type {{ ports: PortSpec[] }} */
const spec = JSON.parse(process.env.NP_SPEC || '{"ports":[]}');

/**
 * @param {object} msg
 * @param {net.Server | dgram.Socket} [handle]
 * @returns {Promise<void>}
 */
const send = (msg, handle) =>
  new Promise((resolve) => {
    if (!process.send) throw new Error('serve-helper needs an IPC channel to the agent');
    process.send(msg, handle, {}, () => resolve());
  });

/**
 * @param {PortSpec} p
 * @returns {Promise<net.Server | dgram.Socket>}
 */
const open = (p) =>
  new Promise((resolve, reject) => {
    if (p.protocol === 'TCP') {
      const s = net.createServer();
      s.once('error', reject);
      s.listen({ host: '0.0.0.0', port: p.port, backlog: 511 }, () => resolve(s));
    } else {
      const u = dgram.createSocket('udp4');
      u.once('error', reject);
      u.bind(p.port, '0.0.0.0', () => resolve(u));
    }
  });

(async () => {
  let handed = 0;
  for (const p of spec.ports) {
    try {
      const h = await open(p);
      await send({ kind: 'socket', port: p.port, protocol: p.protocol, role: p.role }, h);
      handed++;
    } catch (e) {
      await send({
        kind: 'error',
        port: p.port,
        protocol: p.protocol,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
  await send({ kind: 'done', handed });
})();
process.on('message', (m) => {
  if (m === 'bye') process.exit(0);
});
setTimeout(() => process.exit(3), 20000).unref();
