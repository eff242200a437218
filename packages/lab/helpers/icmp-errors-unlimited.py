"""
Lifts the per-peer rate limit on ICMP errors (net.ipv4.icmp_ratelimit = 0) inside each lab
network namespace named on the command line, in one process (setns into each in turn).
The lab's probes count an ICMP port or protocol unreachable as "the network let it through";
under the kernel's default (a burst of 6, then one a second to each peer), a source probing
more than six unserved UDP or SCTP ports of one destination saw the others time out: drops
that were not. Each namespace has its own value: the host's is never read or written.
Exit 1, naming them, when some could not be set.
"""
import ctypes, os, sys
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
failed = []
for name in sys.argv[1:]:
    if not name.startswith('np-') or '/' in name:
        failed.append(name)
        continue
    try:
        fd = os.open('/run/netns/' + name, os.O_RDONLY)
        try:
            entered = libc.setns(fd, CLONE_NEWNET) == 0
        finally:
            os.close(fd)
        if not entered:
            failed.append(name)
            continue
        # /proc/sys/net is the namespace of the process that opens it: this one, now.
        with open('/proc/sys/net/ipv4/icmp_ratelimit', 'w') as f:
            f.write('0')
    except OSError:
        failed.append(name)
if failed:
    print('icmp_ratelimit not set in: ' + ' '.join(failed), file=sys.stderr)
    sys.exit(1)
