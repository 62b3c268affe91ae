#!/usr/bin/env python3
"""Tests of scripts/decodegen.py, the decoder generator.

Small tables written here check what a table author relies on: the
generated decoder calls the right trans_ function with the right argument
values (sign extension, multi-part and shifted immediates, constants),
groups try their patterns in order, !xlen= patterns exist only at their
XLEN, and a table with overlapping patterns or a malformed line is
rejected with FILE:LINE.  The generated C is compiled with the project's
warnings (and UBSan where the compiler has it) and run.

The real tables (target/riscv/insn32.decode, insn16.decode) are then
checked against a reference: every 16-bit encoding, and random 32-bit ones
plus random fillings of every pattern, must reach the trans_ function and
arguments that a plain first-match scan of the table gives.  With the
objdump listings of tests/data/isa-all.S (KILN_ISA_ALL{64,32}_LST), every
pattern of the real tables must occur in them.

usage: decodegen-test.py  (environment: KILN_SOURCE_ROOT, CC)
"""

import os
import random
import re
import shlex
import subprocess
import sys
import tempfile
import unittest

SOURCE_ROOT = os.environ.get('KILN_SOURCE_ROOT',
                             os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(SOURCE_ROOT, 'scripts'))
import decodegen  # noqa: E402

GENERATOR = os.path.join(SOURCE_ROOT, 'scripts', 'decodegen.py')
TARGET = os.path.join(SOURCE_ROOT, 'target', 'riscv')
CC = shlex.split(os.environ.get('CC', 'cc'))
CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter',
          '-O1']


def sanitizer_flags(workdir):
    """UBSan flags if the compiler can build and run with them."""
    flags = ['-fsanitize=undefined', '-fno-sanitize-recover=all']
    src = os.path.join(workdir, 'probe.c')
    exe = os.path.join(workdir, 'probe')
    with open(src, 'w') as f:
        f.write('int main(void) { return 0; }\n')
    r = subprocess.run(CC + flags + [src, '-o', exe], capture_output=True)
    return flags if r.returncode == 0 else []


def generate(workdir, decode_path, width, name, extern=None):
    """Run the generator; return (returncode, stderr, decoder .inc path)."""
    out = os.path.join(workdir, name + '.c.inc')
    disas = os.path.join(workdir, name + '-disas.c.inc')
    cmd = [sys.executable, GENERATOR, '--decode', name, '--width', str(width),
           '--output', out, '--disas-output', disas, decode_path]
    if extern:
        cmd[-1:-1] = ['--extern-from', extern]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stderr, out


def harness_source(tables):
    """A C program deciding "WIDTH XLEN HEX" lines with the given decoders.

    TABLES is [(Table, decode function name, decoder .inc path)], 32-bit
    first.  Every trans_ function prints its name and arguments and returns
    true, unless its name is among the program's arguments.
    """
    lines = ['#include <stdbool.h>', '#include <stdint.h>', '#include <stdio.h>',
             '#include <stdlib.h>', '#include <string.h>', '',
             'typedef struct DisasContext { int xlen; } DisasContext;',
             'static int reject_count;', 'static char **reject;', '']
    trans = {}
    for t, _, _ in tables:
        for p in t.patterns:
            trans.setdefault(p.trans, p.argset)
    if any(p.xlen for t, _, _ in tables for p in t.patterns):
        lines += ['static int decode_xlen(DisasContext *ctx)',
                  '{', '    return ctx->xlen;', '}', '']
    for _, _, inc in tables:
        lines.append('#include "%s"' % inc)
    lines += ['', 'static bool accept(const char *name)', '{',
              '    for (int i = 0; i < reject_count; i++) {',
              '        if (strcmp(reject[i], name) == 0) {',
              '            return false;', '        }', '    }',
              '    return true;', '}', '']
    for name, s in sorted(trans.items()):
        lines.append('static bool trans_%s(DisasContext *ctx, arg_%s *a)'
                     % (name, s.name))
        lines.append('{')
        fmt = ''.join(' %d' for _ in s.members)
        args = ''.join(', a->%s' % m for m in s.members)
        lines.append('    printf("%s%s; "%s);' % (name, fmt, args))
        lines.append('    return accept("%s");' % name)
        lines.append('}')
    lines += ['', 'int main(int argc, char **argv)', '{',
              '    unsigned width, xlen, insn;',
              '    reject = argv + 1;', '    reject_count = argc - 1;',
              '    while (scanf("%u %u %x", &width, &xlen, &insn) == 3) {',
              '        DisasContext ctx = { .xlen = (int)xlen };',
              '        bool ok = false;', '']
    for t, name, _ in tables:
        lines += ['        if (width == %d) {' % t.width,
                  '            ok = %s(&ctx, insn);' % name, '        }']
    lines += ['        printf("-> %s\\n", ok ? "true" : "false");', '    }',
              '    return 0;', '}']
    return '\n'.join(lines) + '\n'


class Harness:
    """The compiled decoders of TABLES, run on (width, xlen, insn) triples."""

    def __init__(self, workdir, tables, flags=()):
        src = os.path.join(workdir, 'harness.c')
        self.exe = os.path.join(workdir, 'harness')
        with open(src, 'w') as f:
            f.write(harness_source(tables))
        r = subprocess.run(CC + CFLAGS + list(flags) + [src, '-o', self.exe],
                           capture_output=True, text=True)
        if r.returncode:
            raise AssertionError('harness does not compile:\n' + r.stderr)

    def run(self, queries, reject=()):
        text = ''.join('%d %d %x\n' % q for q in queries)
        r = subprocess.run([self.exe] + list(reject), input=text,
                           capture_output=True, text=True)
        if r.returncode:
            raise AssertionError('harness failed:\n' + r.stderr)
        return r.stdout.splitlines()


SMALL = '''\
# A few RISC-V instructions, enough to use every feature.
%rd      7:5
%rs1     15:5
%rs2     20:5
%imm_i   20:s12
%imm_b   31:s1 7:1 25:6 8:4 <<1
%imm_u   12:s20 <<12
%shamt5  20:5
%shamt6  20:6
%creg    20:3 +8

&r       rd rs1 rs2
&i       rd rs1 imm
&b       rs1 rs2 imm
&u       rd imm
&shift   rd rs1 shamt

@r       ....... ..... ..... ... ..... ....... &r %rd %rs1 %rs2
@i       ............ ..... ... ..... ....... &i %rd %rs1 imm=%imm_i
@b       ....... ..... ..... ... ..... ....... &b %rs1 %rs2 imm=%imm_b !asm=x:rs1,x:rs2,t:imm
@sh5     ....... ..... ..... ... ..... ....... &shift %rd %rs1 shamt=%shamt5
@sh6     ...... ...... ..... ... ..... ....... &shift %rd %rs1 shamt=%shamt6

{
  nop    000000000000 00000 000 00000 0010011
  addi   ............ ..... 000 ..... 0010011 @i
}
lui      .................... ..... 0110111 &u %rd imm=%imm_u
beq      ....... ..... ..... 000 ..... 1100011 @b
add      0000000 ..... ..... 000 ..... 0110011 @r
sub      0100000 ..... ..... 000 ..... 0110011 @r
slli     0000000 ..... ..... 001 ..... 0010011 @sh5 !xlen=32
slli     000000 ...... ..... 001 ..... 0010011 @sh6 !xlen=64
mv8      0000000 ..... ..... 111 ..... 0110011 @r rs1=0 rs2=%creg !trans=add
'''


class SmallTableTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, text, name='t.decode'):
        path = os.path.join(self.dir, name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def test_decodes_to_trans_with_arguments(self):
        path = self.write(SMALL)
        rc, err, inc = generate(self.dir, path, 32, 'decode_small')
        self.assertEqual(rc, 0, err)
        t = decodegen.parse_file(path, 32)
        h = Harness(self.dir, [(t, 'decode_small', inc)],
                    sanitizer_flags(self.dir))
        q = [
            (32, 64, 0xffb58513),   # addi a0,a1,-5
            (32, 64, 0x7ff00093),   # addi ra,zero,2047
            (32, 64, 0x80000013),   # addi zero,zero,-2048
            (32, 64, 0x00000013),   # nop
            (32, 64, 0x80000537),   # lui a0,0x80000
            (32, 64, 0x7ffff537),   # lui a0,0x7ffff
            (32, 64, 0x80b50063),   # beq a0,a1,-4096
            (32, 64, 0x7eb50fe3),   # beq a0,a1,4094
            (32, 64, 0x00b50463),   # beq a0,a1,8
            (32, 64, 0xfeb50ee3),   # beq a0,a1,-4
            (32, 64, 0x00b50533),   # add a0,a0,a1
            (32, 64, 0x40b50533),   # sub a0,a0,a1
            (32, 32, 0x01f51513),   # slli a0,a0,31
            (32, 32, 0x02051513),   # slli a0,a0,32: not on RV32
            (32, 64, 0x02051513),   # slli a0,a0,32
            (32, 64, 0x00707533),   # mv8: rs2 = bits 22:20 + 8 = 15
            (32, 64, 0x00000000),   # nothing
            (32, 64, 0x00b51533),   # funct3 1 of OP: nothing here
        ]
        self.assertEqual(h.run(q), [
            'addi 10 11 -5; -> true',
            'addi 1 0 2047; -> true',
            'addi 0 0 -2048; -> true',
            'nop; -> true',
            'lui 10 -2147483648; -> true',
            'lui 10 2147479552; -> true',
            'beq 10 11 -4096; -> true',
            'beq 10 11 4094; -> true',
            'beq 10 11 8; -> true',
            'beq 10 11 -4; -> true',
            'add 10 10 11; -> true',
            'sub 10 10 11; -> true',
            'slli 10 10 31; -> true',
            '-> false',
            'slli 10 10 32; -> true',
            'add 10 0 15; -> true',
            '-> false',
            '-> false',
        ])

    def test_group_falls_through_when_trans_returns_false(self):
        path = self.write(SMALL)
        rc, err, inc = generate(self.dir, path, 32, 'decode_small')
        self.assertEqual(rc, 0, err)
        h = Harness(self.dir, [(decodegen.parse_file(path, 32), 'decode_small',
                                inc)])
        self.assertEqual(h.run([(32, 64, 0x00000013)], reject=['nop']),
                         ['nop; addi 0 0 0; -> true'])
        self.assertEqual(h.run([(32, 64, 0x00000013)], reject=['nop', 'addi']),
                         ['nop; addi 0 0 0; -> false'])
        # Outside a group a false trans_ is the end: nothing else is tried.
        self.assertEqual(h.run([(32, 64, 0x00b50533)], reject=['add']),
                         ['add 10 10 11; -> false'])

    def test_generated_code_names_its_lines(self):
        path = self.write(SMALL)
        rc, err, inc = generate(self.dir, path, 32, 'decode_small')
        self.assertEqual(rc, 0, err)
        with open(inc) as f:
            code = f.read()
        self.assertIn('/* t.decode:29: beq ....... ..... ..... 000 ..... '
                      '1100011 @b */', code)
        self.assertIn('static bool trans_add(DisasContext *ctx, arg_r *a);', code)
        self.assertIn('switch (insn & ', code)

    def test_overlap_outside_group_names_both_lines(self):
        path = self.write(SMALL + 'addx 0000000 ..... ..... 000 ..... 0110011 @r\n')
        rc, err, _ = generate(self.dir, path, 32, 'decode_small')
        self.assertEqual(rc, 1)
        err = err.replace(path, 't.decode')
        self.assertIn('t.decode:35: error: pattern "addx" overlaps pattern '
                      '"add" at t.decode:30', err)

    def test_overlap_with_group_member_is_an_error(self):
        path = self.write(SMALL + 'zero 000000000000 00000 000 00000 0010011\n')
        rc, err, _ = generate(self.dir, path, 32, 'decode_small')
        self.assertEqual(rc, 1)
        err = err.replace(path, 't.decode')
        self.assertIn('t.decode:35: error: pattern "zero" overlaps pattern '
                      '"nop" at t.decode:25', err)

    def test_patterns_of_different_xlen_may_share_encodings(self):
        text = SMALL + ('ld4  ............ ..... 011 ..... 0000011 @i !xlen=64\n'
                        'flw4 ............ ..... 011 ..... 0000011 @i !xlen=32\n')
        path = self.write(text)
        rc, err, inc = generate(self.dir, path, 32, 'decode_small')
        self.assertEqual(rc, 0, err)
        h = Harness(self.dir, [(decodegen.parse_file(path, 32), 'decode_small',
                                inc)])
        self.assertEqual(h.run([(32, 64, 0x0085b503), (32, 32, 0x0085b503)]),
                         ['ld4 10 11 8; -> true', 'flw4 10 11 8; -> true'])
        path = self.write(text.replace('!xlen=32', '!xlen=64'))
        rc, err, _ = generate(self.dir, path, 32, 'decode_small')
        self.assertEqual(rc, 1)
        self.assertIn('overlaps', err)

    def test_malformed_lines_are_rejected_with_file_and_line(self):
        cases = [
            ('add 0000000 ..... ..... 000 ..... 011001 @r\n',
             'bits give 31 bits, the instruction has 32'),
            ('add 0000000 ..... ..... 000 ..... 0110011 @r junk\n',
             'unexpected "junk"'),
            ('add 0000000 ..... ..... 000 ..... 0110011 @nosuch\n',
             'undefined format "nosuch"'),
            ('%f 20:s5 25:s2\n', 'only the first range may be signed'),
            ('%f 30:5\n', 'range 30:5 is outside the 32-bit instruction'),
            ('%g nonsense\n', 'unexpected "nonsense" in field "g"'),
            ('%rd 8:5\n', 'field "rd" already defined'),
            ('x 0000000 ..... ..... 000 ..... 0110111 &r %rd %rs1\n',
             'member "rs2" of argument set "r" is not set'),
            ('x 0000000 ..... ..... 000 ..... 0110111 @r rs3=1\n',
             'argument set "r" has no member "rs3"'),
            ('x 0000000 ..... ..... 000 ..... 0110111 @r !asm=q:rd\n',
             'unknown !asm operand kind "q"'),
            ('x 0000000 ..... ..... 000 ..... 0110111 @r !asm=x:imm\n',
             '!asm names "imm"'),
            ('x 0000000 ..... ..... 000 ..... 0110111 @r !xlen=16\n',
             '!xlen must be 32 or 64'),
            ('x 1000000 ..... ..... 000 ..... 0110111 @r !trans=addi\n',
             'trans_addi takes arg_r here but arg_i at'),
            ('x 1111111 ..... ..... 000 ..... 0110011 @sh5 &r\n',
             'argument set "r" differs from format "sh5"'),
            ('Add 0000000 ..... ..... 000 ..... 0110111 @r\n',
             'bad pattern name "Add"'),
            ('{\n', 'group is never closed'),
            ('}\n', '"}" without "{"'),
            ('{\n{\n', 'groups do not nest'),
            ('@fmt 0000000 ..... ..... 001 ..... 1111111 &r %rd\n',
             'member "rs1" of argument set "r" is not set'),
        ]
        base_lines = SMALL.count('\n')
        for line, message in cases:
            with self.subTest(line=line.strip()):
                path = self.write(SMALL + line)
                rc, err, _ = generate(self.dir, path, 32, 'decode_small')
                self.assertEqual(rc, 1)
                m = re.match(r'^(.*):(\d+): error: (.*)$', err.strip())
                self.assertIsNotNone(m, err)
                self.assertEqual(m.group(1), path)
                self.assertGreater(int(m.group(2)), base_lines)
                self.assertIn(message, m.group(3))

    def test_extern_argument_sets_must_match(self):
        other = self.write(SMALL, 'other.decode')
        path = self.write('&i rd imm rs1 !extern\n'
                          'c.x 000 ...... ..... 10 &i rd=1 rs1=2 imm=3\n')
        rc, err, _ = generate(self.dir, path, 16, 'decode_c', extern=other)
        self.assertEqual(rc, 1)
        self.assertIn('t.decode:1: error: argument set "i" does not match', err)


def reference(table, width, xlen, insn):
    """What the decoder must print: the first match of a plain scan."""
    p = table.decode(insn, xlen)
    if p is None:
        return '-> false'
    args = ''.join(' %d' % v for v in p.args(insn))
    return '%s%s; -> true' % (p.trans, args)


class RealTableTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        i32 = os.path.join(TARGET, 'insn32.decode')
        i16 = os.path.join(TARGET, 'insn16.decode')
        rc, err, inc32 = generate(d, i32, 32, 'decode_insn32')
        assert rc == 0, err
        rc, err, inc16 = generate(d, i16, 16, 'decode_insn16', extern=i32)
        assert rc == 0, err
        cls.t32 = decodegen.parse_file(i32, 32)
        cls.t16 = decodegen.parse_file(i16, 16)
        cls.harness = Harness(d, [(cls.t32, 'decode_insn32', inc32),
                                  (cls.t16, 'decode_insn16', inc16)],
                              sanitizer_flags(d))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check(self, table, queries):
        got = self.harness.run(queries)
        self.assertEqual(len(got), len(queries))
        wrong = [(q, g, reference(table, *q))
                 for q, g in zip(queries, got) if g != reference(table, *q)]
        self.assertEqual(wrong[:10], [])

    def test_every_16bit_encoding(self):
        self.check(self.t16, [(16, xlen, insn) for xlen in (32, 64)
                              for insn in range(0x10000) if insn & 3 != 3])

    def test_32bit_encodings(self):
        rng = random.Random(20240611)
        queries = []
        for p in self.t32.patterns:
            for _ in range(40):
                insn = p.bits | (rng.getrandbits(32) & ~p.mask)
                queries += [(32, 32, insn), (32, 64, insn)]
        for _ in range(20000):
            insn = rng.getrandbits(32) | 3
            queries += [(32, 32, insn), (32, 64, insn)]
        self.check(self.t32, queries)

    def test_isa_all_covers_every_pattern(self):
        listings = {}
        for xlen in (32, 64):
            path = os.environ.get('KILN_ISA_ALL%d_LST' % xlen)
            if not path:
                self.skipTest('no objdump listings of tests/data/isa-all.S')
            with open(path) as f:
                listings[xlen] = set(re.findall(r'^\s*[0-9a-f]+:\t[0-9a-f]+ *\t'
                                                r'([a-z0-9.]+)', f.read(), re.M))
        missing = []
        for p in self.t32.patterns + self.t16.patterns:
            if p.name == 'illegal':
                continue
            for xlen in ((p.xlen,) if p.xlen else (32, 64)):
                if p.name not in listings[xlen]:
                    missing.append('%s (RV%d, %s)' % (p.name, xlen, p.loc.short()))
        self.assertEqual(missing, [])


if __name__ == '__main__':
    unittest.main(verbosity=2)
