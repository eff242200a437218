/**
 * Tiny CommonJS programs the lab runs inside pod namespaces (`ip netns exec NS node FILE`).
 * They are plain JavaScript written to the lab's state directory at `lab up`, so they start
 * in tens of milliseconds (no TypeScript loader) and need no build step to be copied.
 */

/**
 * Creates the listening sockets of one pod inside its namespace and hands them to the agent
 * (its parent) over Node's IPC channel, then exits: the agent owns every pod's sockets.
 * Input: env NP_SPEC = {"ports":[{"port":80,"protocol":"TCP","role":"http"}]}.
 */
export const SERVE_HELPER = String.raw`'use strict';
const net = require('net');
const dgram = require('dgram');
const spec = JSON.parse(process.env.NP_SPEC || '{"ports":[]}');
const send = (msg, handle) => new Promise((resolve) => process.send(msg, handle, {}, () => resolve()));
const open = (p) => new Promise((resolve, reject) => {
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
      await send({ kind: 'error', port: p.port, protocol: p.protocol, error: String(e && e.message || e) });
    }
  }
  await send({ kind: 'done', handed });
})();
process.on('message', (m) => { if (m === 'bye') process.exit(0); });
setTimeout(() => process.exit(3), 20000).unref();
`;

/**
 * Opens probe connections from inside one namespace and prints one JSON line of results.
 * Input on stdin: {"timeoutMs":800,"targets":[{"ip":"198.18.1.2","port":80,"protocol":"TCP"}]}.
 * Result per target: "open" (connected or answered), "refused" (RST / ICMP port
 * unreachable: the network let it through), "timeout" (dropped), or "error:<code>".
 */
export const PROBE_HELPER = String.raw`'use strict';
const net = require('net');
const dgram = require('dgram');
let input = '';
process.stdin.setEncoding('utf8').on('data', (d) => { input += d; }).on('end', () => main(JSON.parse(input)));
function main(spec) {
const t = spec.timeoutMs;
const tcp = (x) => new Promise((resolve) => {
  const s = net.connect({ host: x.ip, port: x.port });
  const done = (r) => { clearTimeout(timer); s.destroy(); resolve(r); };
  const timer = setTimeout(() => done('timeout'), t);
  s.once('connect', () => done('open'));
  s.once('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'error:' + e.code));
});
const udp = (x) => new Promise((resolve) => {
  const u = dgram.createSocket('udp4');
  let finished = false;
  const done = (r) => { if (finished) return; finished = true; clearTimeout(timer); clearInterval(again); try { u.close(); } catch {} resolve(r); };
  const timer = setTimeout(() => done('timeout'), t);
  let again;
  u.on('message', () => done('open'));
  u.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'error:' + e.code));
  u.connect(x.port, x.ip, (err) => {
    if (err) return done('error:' + err.code);
    const ping = () => u.send(Buffer.from('netpol-probe\n'), (e) => { if (e) done(e.code === 'ECONNREFUSED' ? 'refused' : 'error:' + e.code); });
    ping();
    again = setInterval(ping, Math.max(100, Math.floor(t / 4)));
  });
});
Promise.all(spec.targets.map((x) => (x.protocol === 'UDP' ? udp(x) : tcp(x)))).then((r) => {
  process.stdout.write(JSON.stringify(r) + '\n');
  process.exit(0);
});
}
`;

/**
 * The fast path when python3 is present: ONE short-lived process that enters each pod's
 * namespace in turn (setns), creates its listening sockets there and hands them to the agent
 * over the agent's Node IPC channel (JSON lines, NODE_HANDLE + SCM_RIGHTS, waiting for each
 * NODE_HANDLE_ACK as Node itself does). Hundreds of pods take well under a second, where a
 * Node helper per pod takes tens of milliseconds each.
 * Input on stdin: {"endpoints":[{"key","netns","ports":[{"port","protocol","role"}]}]}.
 */
export const SERVE_HELPER_PY = String.raw`import ctypes, json, os, socket, sys
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
chan = socket.socket(fileno=int(os.environ['NODE_CHANNEL_FD']))
chan.setblocking(True)
buf = b''
def wait_ack():
    global buf
    while True:
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            cmd = json.loads(line).get('cmd') if line.strip() else None
            if cmd == 'NODE_HANDLE_ACK':
                return
            if cmd == 'NODE_HANDLE_NACK':
                raise OSError('handle refused by the agent')
        data = chan.recv(65536)
        if not data:
            sys.exit(1)
        buf += data
def send(msg, fd=None):
    data = (json.dumps(msg, separators=(',', ':')) + '\n').encode()
    if fd is None:
        chan.sendall(data)
        return
    sent = socket.send_fds(chan, [data], [fd])
    if sent < len(data):
        chan.sendall(data[sent:])
    wait_ack()
spec = json.load(sys.stdin)
for ep in spec['endpoints']:
    try:
        nsfd = os.open('/run/netns/' + ep['netns'], os.O_RDONLY)
        try:
            if libc.setns(nsfd, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), 'setns ' + ep['netns'])
        finally:
            os.close(nsfd)
    except OSError as e:
        send({'kind': 'error', 'key': ep['key'], 'error': str(e)})
        send({'kind': 'done', 'key': ep['key'], 'handed': 0})
        continue
    handed = 0
    for p in ep['ports']:
        meta = {'kind': 'socket', 'key': ep['key'], 'port': p['port'], 'protocol': p['protocol'], 'role': p['role']}
        try:
            if p['protocol'] == 'TCP':
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(('0.0.0.0', p['port']))
                s.listen(511)
                s.setblocking(False)
                send({'cmd': 'NODE_HANDLE', 'type': 'net.Server', 'msg': meta}, s.fileno())
            else:
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(('0.0.0.0', p['port']))
                s.setblocking(False)
                send({'cmd': 'NODE_HANDLE', 'type': 'dgram.Socket', 'dgramType': 'udp4', 'msg': meta}, s.fileno())
            s.close()
            handed += 1
        except OSError as e:
            send({'kind': 'error', 'key': ep['key'], 'error': '%s/%s: %s' % (p['port'], p['protocol'], e)})
    send({'kind': 'done', 'key': ep['key'], 'handed': handed})
send({'kind': 'all-done'})
`;
