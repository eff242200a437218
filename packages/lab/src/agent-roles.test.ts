import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, describe, it } from 'node:test';
import { echoBudget, serveRole, shouldEcho } from './agent-roles.js';
import { buildQuery } from './dns-message.js';

/** Sockets on 127.0.0.1, ephemeral ports only. */
const sockets: dgram.Socket[] = [];
async function udp(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  sockets.push(s);
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}
const portOf = (s: dgram.Socket) => s.address().port;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const noLog = () => {};
after(() => {
  for (const s of sockets) s.close();
});

describe('agent roles: echo', () => {
  it('never echoes to port 53 or port 0', () => {
    assert.deepEqual(
      [53, 0, 54, 7000].map((port) => shouldEcho(port)),
      [false, false, true, true],
    );
  });

  it('spends at most its budget per second, then again in the next second', () => {
    const take = echoBudget(3);
    assert.deepEqual(
      [0, 1, 2, 3, 999].map((t) => take(t)),
      [true, true, true, false, false],
    );
    assert.equal(take(1000), true);
  });

  it('echoes a datagram to its sender', async () => {
    const echo = await udp();
    serveRole(echo, 'echo', 'p', () => undefined, noLog);
    const client = await udp();
    const got = new Promise<string>((resolve) => client.once('message', (m) => resolve(m.toString())));
    client.send('hi', portOf(echo), '127.0.0.1');
    assert.equal(await got, 'hi');
  });
});

describe('agent roles: loops a spoofed packet could start (issue 16, item 5)', () => {
  it('the DNS server does not answer a response, so DNS and an echo do not bounce', async () => {
    const dns = await udp();
    const echo = await udp();
    let atDns = 0;
    dns.on('message', () => atDns++);
    serveRole(dns, 'dns', 'coredns', () => undefined, noLog);
    serveRole(echo, 'echo', 'p', () => undefined, noLog);
    // A response (QR set) "from" the echo port, as a spoofed packet would arrive.
    const response = buildQuery(1, 'x.default.svc.cluster.local');
    response.writeUInt16BE(0x8001, 2);
    echo.send(response, portOf(dns), '127.0.0.1');
    await sleep(300);
    assert.equal(atDns, 1, 'one packet, no FORMERR ping-pong');
  });

  it('two echo ports fed one packet bounce at most their budget', async () => {
    const a = await udp();
    const b = await udp();
    let count = 0;
    a.on('message', () => count++);
    serveRole(a, 'echo', 'a', () => undefined, noLog);
    serveRole(b, 'echo', 'b', () => undefined, noLog);
    a.send('x', portOf(b), '127.0.0.1');
    await sleep(1200);
    // Unbounded this is tens of thousands a second; the budget allows 2,000 per socket per second.
    assert.ok(count > 0 && count <= 2 * 2000 + 1, `${count} echoes`);
  });
});
