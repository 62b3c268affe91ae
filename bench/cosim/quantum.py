#!/usr/bin/env python3
"""Guest slowdown as a function of a cosim bridge's quantum-ns.

usage: bench/cosim/quantum.py KILN TIMER_MODEL WORKLOAD_ELF [RUNS]

Runs WORKLOAD_ELF (e.g. build/bench/intmix.elf) on the virt board alone,
then on the virt board with one cosim bridge to the C reference timer
(TIMER_MODEL, kiln-timer-model, over ipc://) for each quantum, RUNS times
each (default 3), and prints the best wall time and the slowdown against
the board without a bridge.  The workload never touches the timer, which
announces no event of its own: the bridge SYNCs it once a quantum of
virtual time, and that is the cost measured.
"""
import os
import subprocess
import sys
import tempfile
import time

QUANTA_NS = [1000, 10000, 100000, 1000000]
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def board(path, endpoint, quantum):
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
                    '}; }; };\n' % (endpoint, quantum))


def one_run(kiln, model, elf, quantum, d):
    dts = os.path.join(d, 'board.dts')
    proc = None
    endpoint = None
    if quantum:
        endpoint = 'ipc://' + os.path.join(d, 'timer.sock')
        proc = subprocess.Popen([model, endpoint], stdout=subprocess.PIPE,
                                text=True)
        proc.stdout.readline()
    board(dts, endpoint, quantum)
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
        base = min(one_run(kiln, model, elf, 0, d) for _ in range(runs))
        print('| quantum-ns | wall time (best of %d) | slowdown |' % runs)
        print('| --- | --- | --- |')
        print('| no bridge | %.3f s | 1.00 |' % base)
        for q in QUANTA_NS:
            wall = min(one_run(kiln, model, elf, q, d) for _ in range(runs))
            print('| %d | %.3f s | %.2f |' % (q, wall, wall / base))


if __name__ == '__main__':
    main()
