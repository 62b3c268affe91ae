#!/usr/bin/env python3
"""Time from process start to the reply of the first qtest command.

usage: bench/startup.py KILN [QEMU] [RUNS]

For each machine, starts the program RUNS times (default 30) as QEMU's
libqtest does (kiln connects to a listening unix socket), sends
"endianness" and measures the time until "OK little" arrives.  Prints the
median and the 90th percentile in milliseconds.  QEMU is measured the same
way, when given, for scale.
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def one_run(binary, machine, extra):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'qtest.sock')
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(1)
        listener.settimeout(10)
        start = time.perf_counter()
        proc = subprocess.Popen([binary, '-M', machine, '-qtest', 'unix:' + path,
                                 '-qtest-log', '/dev/null', '-display', 'none',
                                 '-nodefaults'] + extra,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            conn, _ = listener.accept()
            conn.settimeout(10)
            conn.sendall(b'endianness\n')
            reply = b''
            while not reply.endswith(b'\n'):
                chunk = conn.recv(64)
                if not chunk:
                    raise RuntimeError('%s closed the connection' % binary)
                reply += chunk
            elapsed = time.perf_counter() - start
            if reply != b'OK little\n':
                raise RuntimeError('unexpected reply %r' % reply)
            conn.close()
        finally:
            proc.terminate()
            proc.wait()
            listener.close()
    return elapsed * 1000


def measure(label, binary, machine, runs, extra=()):
    times = sorted(one_run(binary, machine, list(extra)) for _ in range(runs))
    p90 = times[int(0.9 * (len(times) - 1))]
    print('%-40s median %6.2f ms   p90 %6.2f ms' %
          (label, statistics.median(times), p90))


def main():
    kiln = sys.argv[1]
    qemu = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != '-' else None
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    measure('kiln -M none', kiln, 'none', runs)
    measure('kiln -M virt', kiln, 'virt', runs)
    if qemu:
        measure('qemu -M none (accel qtest or tcg)', qemu, 'none', runs)
        measure('qemu -M virt', qemu, 'virt', runs, ['-bios', 'none'])


if __name__ == '__main__':
    main()
