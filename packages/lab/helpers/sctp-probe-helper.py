"""
SCTP probes where the kernel has no SCTP sockets: run inside the source pod's namespace, it
sends one SCTP INIT per target, IP header and all, through a send-only raw socket
(IPPROTO_RAW), and listens for what proves the packet got through: an ICMP destination
unreachable quoting it (the destination kernel has no SCTP either: "protocol unreachable"),
or, where the kernel has SCTP, an SCTP INIT ACK / ABORT from the destination. A dropped
packet gets nothing before the timeout.
Why not a raw socket of protocol 132 to send: while it is open, the kernel hands every SCTP
packet reaching this namespace to it and answers none with "protocol unreachable", so a pod
probing (or probing itself) would look like a drop to every other prober at that moment.
Input on stdin: {"timeoutMs": N, "targets": [{"ip", "port"}]}; output: one JSON line, an
outcome per target: "refused" (answered) or "timeout".
"""
import json, select, socket, struct, sys, time

request = json.load(sys.stdin)
targets = request['targets']
timeout = request['timeoutMs'] / 1000.0


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


send = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
listening = [icmp]
try:
    # A kernel with SCTP answers an INIT itself (INIT ACK or ABORT): read those too. (Without
    # SCTP, no raw socket of protocol 132 may be open: see above.)
    socket.socket(socket.AF_INET, socket.SOCK_STREAM, 132).close()
    listening.append(socket.socket(socket.AF_INET, socket.SOCK_RAW, 132))
except OSError:
    pass
# Each target its own source port: answers name the probe they belong to.
sport_of = {}
for i, target in enumerate(targets):
    sport = 40000 + i
    sport_of[(target['ip'], sport)] = i
    chunk = struct.pack('!BBHIIHHI', 1, 0, 20, 0x5EED0000 + i, 65535, 1, 1, 1)
    header = struct.pack('!HHI', sport, target['port'], 0)
    checksum = crc32c(header + b'\0\0\0\0' + chunk)
    sctp_packet = header + struct.pack('<I', checksum) + chunk
    # IPv4 header: the kernel fills in the total length, the id, the source address (0 here)
    # and the header checksum of an IPPROTO_RAW packet.
    ip_header = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 0, 0, 0, 64, 132, 0, b'\0\0\0\0', socket.inet_aton(target['ip']))
    send.sendto(ip_header + sctp_packet, (target['ip'], 0))

outcomes = ['timeout'] * len(targets)
answered = 0
end = time.time() + timeout
while answered < len(targets):
    left = end - time.time()
    if left <= 0:
        break
    ready, _, _ = select.select(listening, [], [], left)
    for sock in ready:
        data, (source, _) = sock.recvfrom(4096)
        ihl = (data[0] & 15) * 4
        if sock is icmp:
            # Destination unreachable, quoting our packet: IP header, then SCTP ports.
            if data[ihl] != 3 or len(data) < ihl + 8 + 24:
                continue
            inner = data[ihl + 8:]
            if inner[9] != 132:
                continue
            quoted = (inner[0] & 15) * 4
            sport, _dport = struct.unpack('!HH', inner[quoted:quoted + 4])
            key = (socket.inet_ntoa(inner[16:20]), sport)
        else:
            if len(data) < ihl + 13 or data[ihl + 12] not in (2, 6):  # INIT ACK, ABORT
                continue
            _src, dport = struct.unpack('!HH', data[ihl:ihl + 4])
            key = (source, dport)
        i = sport_of.get(key)
        if i is not None and outcomes[i] == 'timeout':
            outcomes[i] = 'refused'
            answered += 1
print(json.dumps(outcomes))
