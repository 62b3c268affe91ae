#!/usr/bin/env python3
"""Debug prog.S under kiln's gdbstub with the real gdb-multiarch.

    gdb-test.py KILN PROG.ELF [KILN ARGS...]

Two sessions, each against kiln started with -S -gdb on a free port:

 - features: break at a symbol, continue, check pc and a register, stepi
   (pc advances by the instruction's length), x/ of memory, set a register
   and a memory word and read them back, delete, continue to the end; the
   program's exit status is the word written, and kiln exits with it;
 - exactness: a breakpoint hit in a loop, a few steps, continue to the
   end: the console (the sum and the program's own minstret) and the exit
   status are those of a run without a debugger.

Exit status 77 (skipped) when gdb-multiarch is not installed.
"""
import re
import shutil
import socket
import subprocess
import sys

TIMEOUT = 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_plain(kiln, elf, extra):
    p = subprocess.run([kiln, "-M", "virt", "-bios", elf, "-nographic"] + extra,
                       capture_output=True, text=True, timeout=TIMEOUT)
    return p.returncode, p.stdout


def run_debugged(gdb, kiln, elf, extra, commands):
    """kiln's exit status and console, and gdb's output."""
    port = free_port()
    k = subprocess.Popen([kiln, "-M", "virt", "-bios", elf, "-nographic",
                          "-S", "-gdb", "tcp:127.0.0.1:%d" % port] + extra,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    # gdb retries a refused connection (set tcp auto-retry, on by default)
    # while kiln starts listening.
    args = [gdb, "-batch", "-nx", elf,
            "-ex", "set confirm off",
            "-ex", "target remote 127.0.0.1:%d" % port]
    for c in commands:
        args += ["-ex", c]
    try:
        g = subprocess.run(args, capture_output=True, text=True,
                           timeout=TIMEOUT)
        out, err = k.communicate(timeout=TIMEOUT)
    finally:
        if k.poll() is None:
            k.kill()
            k.wait()
    if err.strip():
        print("kiln stderr:\n" + err)
    return k.returncode, out, g.stdout + g.stderr


failures = 0


def check(cond, what, detail=""):
    global failures
    print("%s - %s" % ("ok" if cond else "not ok", what))
    if not cond:
        failures += 1
        if detail:
            print("# " + detail.replace("\n", "\n# "))


def grab(pattern, text):
    m = re.search(pattern, text, re.M)
    return m.groups() if m else None


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    kiln, elf, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    gdb = shutil.which("gdb-multiarch")
    if not gdb:
        print("gdb-multiarch is not installed")
        return 77

    ref_status, ref_console = run_plain(kiln, elf, extra)
    check(ref_status == 0 and "sum=" in ref_console,
          "the program runs to its end without a debugger", ref_console)

    status, console, out = run_debugged(gdb, kiln, elf, extra, [
        "break *sum_done",
        "continue",
        'printf "AT %lx %lx\\n", $pc, &sum_done',
        'printf "S0 %ld\\n", $s0',
        "stepi",
        'printf "STEP %lx\\n", $pc',
        "x/s &msg_sum",
        "set $s1 = 0x1234",
        'printf "S1 %lx\\n", $s1',
        "set var *(int *)&exit_code = 7",
        "x/wx &exit_code",
        "delete",
        "continue",
    ])
    at = grab(r"^AT ([0-9a-f]+) ([0-9a-f]+)$", out)
    check(re.search(r"^Breakpoint 1, .* in sum_done \(\)$", out, re.M)
          is not None, "gdb reports the breakpoint at sum_done", out)
    check(at is not None and at[0] == at[1], "pc is at sum_done", out)
    check(grab(r"^S0 (\d+)$", out) == ("5050",), "s0 holds the sum", out)
    step = grab(r"^STEP ([0-9a-f]+)$", out)
    check(at is not None and step is not None and
          int(step[0], 16) == int(at[0], 16) + 4,
          "stepi advances pc by the auipc's 4 bytes", out)
    check(re.search(r':\s+"sum="$', out, re.M) is not None,
          "x/s reads the string in memory", out)
    check(grab(r"^S1 ([0-9a-f]+)$", out) == ("1234",),
          "a register set reads back", out)
    check(re.search(r":\s+0x00000007$", out, re.M) is not None,
          "a memory word set reads back", out)
    check("exited with code 07" in out,
          "gdb sees the program exit with the status written", out)
    check(status == 7, "kiln exits with that status", "status %d" % status)
    check(console == ref_console, "the console is the same as without gdb",
          console)

    status, console, out = run_debugged(gdb, kiln, elf, extra, [
        "break *sum_loop",
        "continue",
        'printf "S1 %ld\\n", $s1',
        "continue",
        'printf "S1 %ld\\n", $s1',
        "delete",
        "break *sum_done",
        "continue",
        "stepi",
        "stepi",
        "stepi",
        "delete",
        "continue",
    ])
    check(re.findall(r"^S1 (\d+)$", out, re.M) == ["1", "2"],
          "a breakpoint in a loop is hit on every pass", out)
    check("exited normally" in out, "gdb sees the program end", out)
    check(status == ref_status and console == ref_console,
          "output and minstret are those of a run without a debugger",
          "status %d, console:\n%s\nexpected:\n%s" % (status, console,
                                                      ref_console))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
