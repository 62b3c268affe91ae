#!/usr/bin/env python3
"""kiln and QEMU side by side, on the same guest programs.

usage: bench/run.py [BUILD] [--reps N] [--budget SECONDS] [--qemu PROGRAM]

BUILD is the meson build directory (default "build"): the harness runs
BUILD/kiln-system-riscv64 and the workloads meson built into BUILD/bench/.
Every workload is one bare-metal RV64 ELF for -M virt, run unchanged by

    kiln         kiln-system-riscv64 -M virt -bios X.elf -nographic
    kiln interp  the same with -accel tcg,backend=interp, when kiln has it
    QEMU icount  qemu-system-riscv64 -M virt -bios none -kernel X.elf
                 -nographic -icount shift=0
    QEMU         the same without -icount

each up to N times (default 5), fewer once a configuration has spent
--budget seconds (default 3) on a workload; the best (shortest) run
counts, since on a busy host noise only ever adds time.  A workload
prints one line, "NAME checksum=... instret=...", and exits through the
test finisher.
Every run's checksum must be the same, and for the workloads that are pure
computation also the same as the workload built for and run on the host:
any difference is an error, and the harness exits with status 1.

Instructions are kiln's count (its minstret is exact and both of its
backends must agree on it); QEMU's minstret is its virtual clock under
-icount and the host's cycle counter without, so kiln's count serves for
all four.  Guest instructions per second are computed over the wall time
less each program's fixed cost (start, loading, exit), measured with the
"empty" workload; the table shows the wall time itself too.  Under QEMU
without -icount the CLINT's time is the host's, so timerirq waits for
real time there, and only its wall time compares.

Last, OpenSBI (fw_dynamic) and U-Boot (qemu-riscv64_smode) boot under each
program: the time from start until U-Boot's "=>" prompt, a key being sent
to stop the autoboot countdown as soon as U-Boot offers it.

Speed ratios are kiln's speed over QEMU's: above 1, kiln is faster.
"""
import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

WORKLOADS = ['intmix', 'fpkernel', 'mmiopoll', 'timerirq']
# Pure computations: the same C built for the host must agree with them.
HOST_CHECKED = ['intmix', 'fpkernel']

OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin'
UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin'

RUN_TIMEOUT = 120
REPORT_RE = re.compile(rb'(\w+) checksum=([0-9a-f]{16}) instret=([0-9a-f]{16})')


class BenchError(Exception):
    pass


class Config:
    """One way of running a guest: a program and the options it needs."""

    def __init__(self, label, kind, argv, extra):
        self.label = label
        self.kind = kind            # 'kiln' or 'qemu'
        self.argv = argv
        self.extra = extra

    def workload_cmd(self, elf):
        if self.kind == 'kiln':
            return self.argv + ['-M', 'virt', '-bios', elf, '-nographic'] + self.extra
        return (self.argv + ['-M', 'virt', '-bios', 'none', '-kernel', elf,
                             '-nographic'] + self.extra)

    def boot_cmd(self):
        # kiln loads OpenSBI's fw_dynamic by default, as QEMU does; QEMU is
        # given Debian's build of it, the very file kiln loads.
        bios = [] if self.kind == 'kiln' else ['-bios', OPENSBI]
        return (self.argv + ['-M', 'virt'] + bios +
                ['-kernel', UBOOT, '-nographic'] + self.extra)


def kiln_has_interp(kiln, empty_elf):
    """Whether kiln takes -accel tcg,backend=interp (older builds reject it)."""
    probe = Config('probe', 'kiln', [kiln], ['-accel', 'tcg,backend=interp'])
    try:
        r = subprocess.run(probe.workload_cmd(empty_elf), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return False
    return r.returncode == 0 and REPORT_RE.search(r.stdout) is not None


def run_workload(config, name, elf):
    """Run workload NAME once; returns (wall seconds, checksum, instret)."""
    cmd = config.workload_cmd(elf)
    start = time.perf_counter()
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BenchError('%s: no exit within %d s: %s' %
                         (config.label, RUN_TIMEOUT, ' '.join(cmd)))
    wall = time.perf_counter() - start
    m = REPORT_RE.search(r.stdout)
    if r.returncode != 0 or not m or m.group(1).decode() != name:
        raise BenchError('%s: exit status %d, output %r, errors %r: %s' %
                         (config.label, r.returncode, r.stdout[-200:],
                          r.stderr[-200:], ' '.join(cmd)))
    return wall, m.group(2).decode(), int(m.group(3), 16)


def host_checksum(src_dir, name, tmp):
    """The checksum of workload NAME built for and run on the host."""
    exe = os.path.join(tmp, name)
    # The flags of the cross build that can change results (bench/meson.build).
    cmd = ['cc', '-O2', '-ffp-contract=off', '-fno-math-errno', '-DBENCH_HOST',
           '-o', exe, os.path.join(src_dir, 'workloads', name + '.c'), '-lm']
    if subprocess.run(cmd).returncode != 0:
        raise BenchError('host build failed: %s' % ' '.join(cmd))
    r = subprocess.run([exe], stdout=subprocess.PIPE)
    m = REPORT_RE.search(r.stdout)
    if r.returncode != 0 or not m or m.group(1).decode() != name:
        raise BenchError('host build of %s: exit status %d, output %r' %
                         (name, r.returncode, r.stdout))
    return m.group(2).decode()


def boot_once(config, timeout=RUN_TIMEOUT):
    """Seconds from start until U-Boot's prompt, stopping the autoboot."""
    cmd = config.boot_cmd()
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = b''
    key_sent = False
    try:
        while True:
            left = start + timeout - time.perf_counter()
            ready, _, _ = select.select([p.stdout], [], [], max(left, 0))
            if not ready:
                raise BenchError('%s: no U-Boot prompt within %d s: %s' %
                                 (config.label, timeout, ' '.join(cmd)))
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                raise BenchError('%s: exited before the U-Boot prompt, '
                                 'output ends %r: %s' %
                                 (config.label, out[-300:], ' '.join(cmd)))
            out += chunk
            if not key_sent and b'Hit any key to stop autoboot' in out:
                p.stdin.write(b'\n')
                p.stdin.flush()
                key_sent = True
            if key_sent and out.rstrip().endswith(b'=>'):
                return time.perf_counter() - start
    finally:
        p.kill()
        p.wait()


def best_of(reps, budget, fn):
    """Up to REPS results of FN (time first), at least one, within BUDGET s."""
    results = [fn()]
    while len(results) < reps and sum(r[0] for r in results) < budget:
        results.append(fn())
    return min(results, key=lambda r: r[0]), results


def fmt_rate(instret, seconds):
    if seconds <= 0:
        return 'n/a'
    return '%.0f M/s' % (instret / seconds / 1e6)


def fmt_ratio(a, b):
    """Speed of A over speed of B, from their times."""
    return '%.2f' % (b / a) if a > 0 and b > 0 else 'n/a'


def ratio_pairs(configs):
    return [(k, q) for k in configs if k.kind == 'kiln'
            for q in configs if q.kind == 'qemu']


def print_table(head, rows):
    """A Markdown table, so that results paste into docs/performance.md."""
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    for r in [head, ['-' * w for w in widths]] + rows:
        print('| ' + ' | '.join(str(v).ljust(w) for v, w in zip(r, widths)) + ' |')


def make_configs(kiln, qemu, empty_elf):
    configs = [Config('kiln', 'kiln', [kiln], [])]
    if kiln_has_interp(kiln, empty_elf):
        configs.append(Config('kiln interp', 'kiln', [kiln],
                              ['-accel', 'tcg,backend=interp']))
    else:
        print('kiln has no -accel tcg,backend=interp: one kiln configuration only')
    return configs + [Config('QEMU icount', 'qemu', [qemu], ['-icount', 'shift=0']),
                      Config('QEMU', 'qemu', [qemu], [])]


def measure_workloads(args, configs, elf_dir, src_dir, errors):
    elf = {w: os.path.join(elf_dir, w + '.elf') for w in ['empty'] + WORKLOADS}
    fixed = {}
    for c in configs:
        (fixed[c.label], _, _), _ = best_of(
            args.reps, args.budget, lambda: run_workload(c, 'empty', elf['empty']))
    print('fixed cost (the empty workload): ' +
          ', '.join('%s %.0f ms' % (c.label, fixed[c.label] * 1000) for c in configs))

    host = {}
    if shutil.which('cc'):
        with tempfile.TemporaryDirectory() as tmp:
            for w in HOST_CHECKED:
                host[w] = host_checksum(src_dir, w, tmp)
    else:
        print('no host cc: checksums compared between the emulators only')

    rows = []
    checks = []
    for w in WORKLOADS:
        walls, sums, counts = {}, {}, set()
        for c in configs:
            (walls[c.label], _, _), runs = best_of(
                args.reps, args.budget, lambda: run_workload(c, w, elf[w]))
            sums[c.label] = {r[1] for r in runs}
            if c.kind == 'kiln':
                counts |= {r[2] for r in runs}
        if w in host:
            sums['host'] = {host[w]}
        if len({s for v in sums.values() for s in v}) != 1:
            errors.append('%s: CHECKSUMS DIFFER: %s' % (w, '; '.join(
                '%s %s' % (k, '/'.join(sorted(v))) for k, v in sums.items())))
        else:
            checks.append('%s %s (%s agree)' % (w, next(iter(sums['kiln'])),
                                                 ', '.join(sums)))
        # kiln's count is exact: every run and both backends must agree.
        if len(counts) != 1:
            errors.append('%s: kiln\'s instruction counts differ: %s' %
                          (w, sorted(counts)))
        instret = min(counts)
        net = {k: max(v - fixed[k], 0.0) for k, v in walls.items()}
        rows.append([w, '{:,}'.format(instret)] +
                    ['%s, %.3f s' % (fmt_rate(instret, net[c.label]), walls[c.label])
                     for c in configs] +
                    [fmt_ratio(net[k.label], net[q.label])
                     for k, q in ratio_pairs(configs)])
    print()
    print_table(['workload', 'instructions (kiln)'] +
                ['%s (best wall)' % c.label for c in configs] +
                ['%s / %s' % (k.label, q.label) for k, q in ratio_pairs(configs)],
                rows)
    print()
    print('checksums: ' + '; '.join(checks))


def measure_boot(args, configs):
    if not (os.path.exists(OPENSBI) and os.path.exists(UBOOT)):
        print('no %s or %s: the boot is not measured (Debian: opensbi, '
              'u-boot-qemu)' % (OPENSBI, UBOOT))
        return
    boot = {}
    for c in configs:
        (boot[c.label],), _ = best_of(args.reps, args.budget, lambda: (boot_once(c),))
    print_table(['OpenSBI + U-Boot to the prompt'] + [c.label for c in configs] +
                ['%s / %s' % (k.label, q.label) for k, q in ratio_pairs(configs)],
                [['best wall'] + ['%.3f s' % boot[c.label] for c in configs] +
                 [fmt_ratio(boot[k.label], boot[q.label])
                  for k, q in ratio_pairs(configs)]])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build', nargs='?', default='build')
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--budget', type=float, default=3.0)
    ap.add_argument('--qemu', default='qemu-system-riscv64')
    args = ap.parse_args()

    src_dir = os.path.dirname(os.path.abspath(__file__))
    kiln = os.path.join(args.build, 'kiln-system-riscv64')
    elf_dir = os.path.join(args.build, 'bench')
    if not os.access(kiln, os.X_OK):
        sys.exit('bench: no %s (run make build first)' % kiln)
    missing = [w for w in ['empty'] + WORKLOADS
               if not os.path.exists(os.path.join(elf_dir, w + '.elf'))]
    if missing:
        sys.exit('bench: no %s in %s: meson builds them when '
                 'riscv64-unknown-elf-gcc is installed' % (', '.join(missing), elf_dir))
    qemu = shutil.which(args.qemu)
    if not qemu:
        sys.exit('bench: no %s (Debian: qemu-system-misc)' % args.qemu)

    configs = make_configs(kiln, qemu, os.path.join(elf_dir, 'empty.elf'))
    qemu_version = subprocess.run([qemu, '-version'], stdout=subprocess.PIPE,
                                  text=True).stdout.splitlines()[0]
    print('kiln: %s' % kiln)
    print('QEMU: %s (%s)' % (qemu, qemu_version))
    print('best of up to %d runs each, fewer past %.0f s; speed ratios above 1: '
          'kiln is faster\n' % (args.reps, args.budget))

    errors = []
    measure_workloads(args, configs, elf_dir, src_dir, errors)
    print()
    measure_boot(args, configs)
    if errors:
        print()
        for e in errors:
            print('ERROR: ' + e, file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    try:
        main()
    except BenchError as e:
        sys.exit('bench: ERROR: %s' % e)
