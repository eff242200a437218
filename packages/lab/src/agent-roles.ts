import type { Socket as UdpSocket } from 'node:dgram';
import net from 'node:net';
import type { PortRole } from './agent-protocol.js';
/** A DNS query packet in, the reply out (undefined: no reply); may wait (dns-policy.ts). */
export type DnsAnswer = (packet: Buffer) => Promise<Buffer | undefined> | Buffer | undefined;

/**
 * What a pod's socket does, one handler per role: `http` answers one HTTP response naming
 * the pod, `echo` sends UDP datagrams back, `dns` is the cluster DNS (UDP and TCP).
 */

export type Handle = net.Server | UdpSocket;

export function serveRole(
  handle: Handle,
  role: PortRole,
  name: string,
  answer: DnsAnswer,
  log: (line: string) => void,
) {
  if (handle instanceof net.Server) {
    handle.on('connection', (socket) => {
      socket.setTimeout(10_000, () => socket.destroy());
      socket.on('error', () => {});
      if (role === 'dns') serveDnsTcp(socket, answer);
      else serveHttp(socket, name);
    });
    handle.on('error', (e) => log(`tcp error ${name}: ${e.message}`));
  } else {
    if (role === 'dns') serveDnsUdp(handle, answer, log);
    else serveEcho(handle);
    handle.on('error', (e) => log(`udp error ${name}: ${e.message}`));
  }
}

function serveHttp(socket: net.Socket, name: string): void {
  socket.once('data', () => {
    const body = `${name}\n`;
    socket.end(
      `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

function serveDnsUdp(socket: UdpSocket, answer: DnsAnswer, log: (line: string) => void): void {
  socket.on('message', (msg, rinfo) => {
    Promise.resolve(answer(msg)).then(
      (reply) => {
        if (reply) socket.send(reply, rinfo.port, rinfo.address);
      },
      (error: Error) => log(`dns answer failed: ${error.message}`),
    );
  });
}

/** DNS over TCP: each message is prefixed with its 2-byte length; answered in order. */
function serveDnsTcp(socket: net.Socket, answer: DnsAnswer): void {
  let buffer = Buffer.alloc(0);
  let queue: Promise<void> = Promise.resolve();
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 2) {
      const len = buffer.readUInt16BE(0);
      if (buffer.length < 2 + len) break;
      const msg = buffer.subarray(2, 2 + len);
      buffer = buffer.subarray(2 + len);
      queue = queue.then(async () => {
        const reply = await answer(msg);
        if (reply && !socket.destroyed) {
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(reply.length, 0);
          socket.write(Buffer.concat([prefix, reply]));
        }
      });
      queue = queue.catch(() => {
        socket.destroy();
      });
    }
  });
}

function serveEcho(socket: UdpSocket): void {
  const budget = echoBudget();
  socket.on('message', (msg, rinfo) => {
    if (shouldEcho(rinfo.port) && budget(Date.now())) socket.send(msg, rinfo.port, rinfo.address);
  });
}

/**
 * Never echo to port 53 (a DNS server, ours or another, would answer and be echoed again) or
 * to port 0 (not a sender); a spoofed packet between two echo ports still bounces, so each
 * socket also has a budget.
 */
export function shouldEcho(port: number): boolean {
  return port !== 53 && port !== 0;
}

/**
 * At most `perSecond` echoes per socket per second (a probe sends a handful): a loop between
 * two echo ports, started by one spoofed packet, costs a trickle instead of a core.
 */
export function echoBudget(perSecond = 2000): (now: number) => boolean {
  let windowStart = 0;
  let used = 0;
  return (now) => {
    if (now - windowStart >= 1000) {
      windowStart = now;
      used = 0;
    }
    if (used >= perSecond) return false;
    used++;
    return true;
  };
}
