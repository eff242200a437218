"""
The lab's fast socket helper when python3 is present: ONE short-lived process that enters
each pod's namespace in turn (setns), creates its listening sockets there and hands them to
the agent over the agent's Node IPC channel (JSON lines, NODE_HANDLE + SCM_RIGHTS, waiting
for each NODE_HANDLE_ACK as Node itself does). Hundreds of pods take well under a second,
where a Node helper per pod takes tens of milliseconds each.
Input on stdin: {"endpoints":[{"key","netns","ports":[{"port","protocol","role"}]}]}.
"""
import ctypes, json, os, socket, sys
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
