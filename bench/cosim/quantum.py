#!/usr/bin/env python3
"""Guest slowdown as a function of a cosim bridge's quantum-ns.

usage: bench/cosim/quantum.py KILN BENCH_TIMER WORKLOAD_ELF [RUNS]

Runs WORKLOAD_ELF (e.g. build/bench/intmix.elf) on the virt board alone,
then on the virt board with one cosim bridge to the C reference timer
(BENCH_TIMER, build/bench/cosim/cosim-bench-timer, over ipc://) for each
quantum, RUNS times each (default 3), and prints the best wall times and
the slowdowns against the board without a bridge, for three links:

  shared memory   the default: the link on the shared-memory ring
  event-driven    the same, the timer promising kiln that it is
                  event-driven (cosim-bench-timer -e): no quantum SYNCs
  ZeroMQ          the bridge's shared-memory = <0>

The workload never touches the timer, which announces no event of its
own: the bridge SYNCs it once a quantum of virtual time (unless it is
event-driven), and that is the cost measured.
"""
import os
import subprocess
import sys
import tempfile
import time

QUANTA_NS = [1000, 10000, 100000, 1000000]
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
# name: (shared-memory property, the timer's arguments before the endpoint)
LINKS = [
    ('shared memory', 1, []),
    ('event-driven', 1, ['-e']),
    ('ZeroMQ', 0, []),
]


def board(path, endpoint, quantum, shm):
    with open(path, 'w') as f:
        f.write('/include/ "%s/dts/virt.dts"\n' % SOURCE_ROOT)
        if endpoint:
            f.write('/ { soc { bridge@40000000 {\n'
                    '  compatible = "kiln,cosim-bridge";\n'
                    '  reg = <0x0 0x40000000 0x0 0x1000>;\n'
                    '  interrupt-parent = <&plic>;\n'
                    '  interrupts = <32>;\n'
                    '  endpoint = "%s";\n'
                    '  quantum-ns = <0x0 %d>;\n'
                    '  shared-memory = <%d>;\n'
                    '}; }; };\n' % (endpoint, quantum, shm))


def one_run(kiln, model, elf, quantum, d, link=None):
    dts = os.path.join(d, 'board.dts')
    proc = None
    endpoint = None
    shm = 1
    if quantum:
        _, shm, args = link
        endpoint = 'ipc://' + os.path.join(d, 'timer.sock')
        proc = subprocess.Popen([model] + args + [endpoint],
                                stdout=subprocess.PIPE, text=True)
        proc.stdout.readline()
    board(dts, endpoint, quantum, shm)
    start = time.perf_counter()
    out = subprocess.run([kiln, '-M', 'dt,dts=' + dts, '-bios', elf,
                          '-nographic'], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, check=False)
    wall = time.perf_counter() - start
    if proc:
        proc.wait(timeout=10)
    if out.returncode != 0:
        sys.exit('kiln failed (quantum %s): %s' % (quantum, out.stdout))
    return wall


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    kiln, model, elf = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    with tempfile.TemporaryDirectory() as d:
        print('load average: %.2f %.2f %.2f' % os.getloadavg())
        base = min(one_run(kiln, model, elf, 0, d) for _ in range(runs))
        print('| quantum-ns | ' +
              ' | '.join('%s: wall time | slowdown' % name
                         for name, _, _ in LINKS) + ' |')
        print('| --- |' + ' --- | --- |' * len(LINKS))
        print('| no bridge |' + (' %.3f s | 1.00 |' % base) * len(LINKS))
        for q in QUANTA_NS:
            cells = []
            for link in LINKS:
                wall = min(one_run(kiln, model, elf, q, d, link)
                           for _ in range(runs))
                cells.append('%.3f s | %.2f' % (wall, wall / base))
            print('| %d | %s |' % (q, ' | '.join(cells)))
            sys.stdout.flush()
        print('load average: %.2f %.2f %.2f' % os.getloadavg())


if __name__ == '__main__':
    main()
