#!/usr/bin/env python3
"""Generate an instruction decoder and a disassembler table from a .decode file.

usage: decodegen.py --decode NAME --width 32|16 --output DECODE.c.inc
                    --disas-output DISAS.c.inc [--extern-from OTHER.decode]
                    INPUT.decode

A .decode file describes encodings as data, one line per instruction, in
the spirit of QEMU's decodetree.  The syntax (the header of
target/riscv/insn32.decode shows it in use):

  # comment                     to the end of the line
  %name POS:LEN ... [<<N] [+N]  a field: the bit ranges, most significant
                                first, are concatenated; "POS:sLEN" on the
                                first range makes the field signed; "<<N"
                                shifts the result left, "+N" adds to it
  &name MEMBER...               an argument set: the struct a trans_
                                function receives (arg_name)
  &name MEMBER... !extern       the same set, defined by --extern-from
  @name BITS... ARGS...         a format: bits, an argument set and where
                                each member comes from
  name BITS... ARGS...          a pattern: one instruction
  {  ...  }                     a group of patterns that may overlap

BITS are tokens of '0', '1' (fixed) and '.' (anything) that together give
every bit of the instruction, most significant first.  ARGS are:

  @format         take the format's bits, argument set, members and !asm
  &set            the argument set (default: the format's, else "empty")
  %field          the member named like the field takes the field's value
  member=%field   a member takes a field's value
  member=N        a member takes a constant
  !xlen=32|64     the pattern exists only at that XLEN
  !trans=name     call trans_name instead of the one named after the pattern
  !asm=OPERANDS   how the disassembler prints the operands (see ASM_KINDS)

The pattern name is the mnemonic the disassembler prints; trans_ is named
after it with '.' replaced by '_'.  A pattern named "illegal" marks a
reserved encoding: trans_illegal raises the illegal-instruction exception
and returns true, and the disassembler prints it as unknown.  "&empty",
the argument set of patterns without arguments, is predefined.

Outside groups, two patterns that can match the same instruction at the
same XLEN are an error naming both lines.  Inside a group, patterns are
tried in order and the first whose trans_ function returns true wins.

The decoder output holds the argument structs, a declaration of every
trans_ function, and NAME(DisasContext *ctx, uintN_t insn): a tree of
switches on the bits all remaining candidates fix, ending in the call of
one trans_ function (or the members of a group, in order) with a comment
naming the .decode line.  Patterns with !xlen ask "decode_xlen(ctx)",
which the including file defines.

The disassembler output is a table, in file order, of DisasPattern
{ name, mask, match, xlen, illegal, operands } for target/riscv/disas.c;
"illegal" marks the patterns whose trans_ function is trans_illegal.
"""

import argparse
import os
import re
import sys

# Operand kinds of !asm=, and the DisasOpKind each becomes in disas.c.
ASM_KINDS = {
    'x': 'DISAS_OP_X',            # integer register, ABI name
    'f': 'DISAS_OP_F',            # floating-point register, ABI name
    'i': 'DISAS_OP_IMM',          # decimal
    'h': 'DISAS_OP_HEX',          # hexadecimal (shift amounts)
    'hi': 'DISAS_OP_UPPER',       # bits 31:12 of the value, hexadecimal
    't': 'DISAS_OP_TARGET',       # pc + value
    'csr': 'DISAS_OP_CSR',        # CSR name, else its number
    'rm': 'DISAS_OP_RM',          # rounding mode, omitted when dyn
    'rmexact': 'DISAS_OP_RM_EXACT',  # rounding mode, omitted when rne
    'fence': 'DISAS_OP_FENCE',    # fence predecessor/successor set
    'aq': 'DISAS_OP_AQ',          # ".aq" appended to the mnemonic
    'rl': 'DISAS_OP_RL',          # ".rl" appended to the mnemonic
}
# Must not exceed DISAS_MAX_OPS in target/riscv/disas.c.
ASM_MAX_OPS = 6

IDENT = r'[a-z_][a-z0-9_]*'
NAME_RE = re.compile(r'^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$')
IDENT_RE = re.compile('^' + IDENT + '$')
SEGMENT_RE = re.compile(r'^(\d+):(s?)(\d+)$')
BITS_RE = re.compile(r'^[01.]+$')
ASSIGN_RE = re.compile('^(' + IDENT + ')=(%' + IDENT + r'|-?(?:0|[1-9]\d*)|0x[0-9a-fA-F]+)$')
ASM_OPERAND_RE = re.compile('^(?:(' + IDENT + '):(' + IDENT + '))?'
                            r'(?:\((' + IDENT + '):(' + IDENT + r')\))?$')


class DecodeError(Exception):
    """A mistake in a .decode file, reported as FILE:LINE: error: ..."""

    def __init__(self, loc, msg):
        super().__init__('%s: error: %s' % (loc, msg))


class Loc:
    def __init__(self, path, line):
        self.path = path
        self.line = line

    def __str__(self):
        return '%s:%d' % (self.path, self.line)

    def short(self):
        return '%s:%d' % (os.path.basename(self.path), self.line)


class Field:
    def __init__(self, name, segments, signed, shift, add, loc):
        self.name = name
        self.segments = segments      # [(pos, len)], most significant first
        self.signed = signed
        self.shift = shift
        self.add = add
        self.loc = loc

    def width(self):
        return sum(n for _, n in self.segments) + self.shift

    def extract(self, insn):
        """The field's value in INSN: the reference the C code must match."""
        v = 0
        for pos, n in self.segments:
            v = (v << n) | ((insn >> pos) & ((1 << n) - 1))
        v <<= self.shift
        w = self.width()
        if self.signed and v & (1 << (w - 1)):
            v -= 1 << w
        return v + self.add


class Const:
    def __init__(self, value):
        self.value = value

    def extract(self, insn):
        return self.value


class ArgSet:
    def __init__(self, name, members, extern, loc):
        self.name = name
        self.members = members
        self.extern = extern
        self.loc = loc


class Format:
    def __init__(self, name, mask, bits, argset, assigns, asm, loc):
        self.name = name
        self.mask = mask
        self.bits = bits
        self.argset = argset
        self.assigns = assigns
        self.asm = asm
        self.loc = loc


class Pattern:
    def __init__(self, name, loc, text):
        self.name = name
        self.loc = loc
        self.text = text
        self.mask = 0
        self.bits = 0
        self.fmt = None
        self.argset = None
        self.assigns = {}
        self.overrides = False        # members set on the pattern line
        self.xlen = 0                 # 0: any
        self.trans = None
        self.asm = None

    def matches(self, insn, xlen):
        return (insn & self.mask) == self.bits and self.xlen in (0, xlen)

    def args(self, insn):
        """Member values for INSN, in argument set order."""
        return [self.assigns[m].extract(insn) for m in self.argset.members]


class Group:
    def __init__(self, loc):
        self.loc = loc
        self.members = []

    def mask_bits(self):
        """The bits every member fixes to the same value."""
        mask = ~0
        for p in self.members:
            mask &= p.mask
        first = self.members[0].bits
        for p in self.members:
            mask &= ~(p.bits ^ first)
        return mask, first & mask


def xlen_overlap(a, b):
    return a.xlen == 0 or b.xlen == 0 or a.xlen == b.xlen


def patterns_overlap(a, b):
    return (a.mask & b.mask & (a.bits ^ b.bits)) == 0 and xlen_overlap(a, b)


class Table:
    def __init__(self, path, width):
        self.path = path
        self.width = width
        self.fields = {}
        self.argsets = {}
        self.formats = {}
        self.patterns = []            # file order
        self.items = []               # top level: Pattern or Group
        self.empty = ArgSet('empty', [], False, Loc(path, 0))
        self.argsets['empty'] = self.empty

    def lookup(self, what, table, name, loc):
        if name not in table:
            raise DecodeError(loc, 'undefined %s "%s"' % (what, name))
        return table[name]

    def parse_bits(self, tokens, loc):
        """Consume the leading BITS tokens; return (mask, bits, rest)."""
        s = ''
        while tokens and BITS_RE.match(tokens[0]):
            s += tokens.pop(0)
        if len(s) != self.width:
            raise DecodeError(loc, 'bits give %d bits, the instruction has %d'
                              % (len(s), self.width))
        mask = bits = 0
        for c in s:
            mask = (mask << 1) | (c != '.')
            bits = (bits << 1) | (c == '1')
        return mask, bits

    def parse_field(self, tokens, loc):
        name = tokens.pop(0)[1:]
        if not IDENT_RE.match(name):
            raise DecodeError(loc, 'bad field name "%s"' % name)
        if name in self.fields:
            raise DecodeError(loc, 'field "%s" already defined at %s'
                              % (name, self.fields[name].loc))
        segments, signed, shift, add = [], False, 0, 0
        used = 0
        for t in tokens:
            m = SEGMENT_RE.match(t)
            if m and not shift and not add:
                pos, sign, n = int(m.group(1)), m.group(2), int(m.group(3))
                if sign and segments:
                    raise DecodeError(loc, 'only the first range may be signed')
                if n == 0 or pos + n > self.width:
                    raise DecodeError(loc, 'range %s is outside the %d-bit '
                                      'instruction' % (t, self.width))
                bits = ((1 << n) - 1) << pos
                if used & bits:
                    raise DecodeError(loc, 'range %s overlaps an earlier one' % t)
                used |= bits
                segments.append((pos, n))
                signed = signed or bool(sign)
            elif re.match(r'^<<\d+$', t) and not shift and not add:
                shift = int(t[2:])
            elif re.match(r'^\+\d+$', t) and not add:
                add = int(t[1:])
            else:
                raise DecodeError(loc, 'unexpected "%s" in field "%s"' % (t, name))
        if not segments:
            raise DecodeError(loc, 'field "%s" has no bit range' % name)
        f = Field(name, segments, signed, shift, add, loc)
        if f.width() > (32 if signed else 31):
            raise DecodeError(loc, 'field "%s" does not fit an int' % name)
        self.fields[name] = f

    def parse_argset(self, tokens, loc):
        name = tokens.pop(0)[1:]
        extern = tokens[-1:] == ['!extern']
        if extern:
            tokens.pop()
        if not IDENT_RE.match(name):
            raise DecodeError(loc, 'bad argument set name "%s"' % name)
        if name == 'empty' and extern and not tokens:
            self.empty.extern = True
            return
        if name in self.argsets:
            raise DecodeError(loc, 'argument set "%s" already defined' % name)
        for t in tokens:
            if not IDENT_RE.match(t):
                raise DecodeError(loc, 'bad member "%s"' % t)
        if len(set(tokens)) != len(tokens):
            raise DecodeError(loc, 'argument set "%s" repeats a member' % name)
        self.argsets[name] = ArgSet(name, tokens, extern, loc)

    def parse_asm(self, text, loc):
        ops = []
        for operand in text.split(','):
            m = ASM_OPERAND_RE.match(operand)
            if not operand or not m:
                raise DecodeError(loc, 'bad !asm operand "%s"' % operand)
            if m.group(1):
                ops.append((m.group(1), m.group(2), set()))
            if m.group(3):
                flags = {'paren'} | ({'attach'} if m.group(1) else set())
                ops.append((m.group(3), m.group(4), flags))
        for kind, _, _ in ops:
            if kind not in ASM_KINDS:
                raise DecodeError(loc, 'unknown !asm operand kind "%s"' % kind)
        if len(ops) > ASM_MAX_OPS:
            raise DecodeError(loc, '!asm has more than %d operands' % ASM_MAX_OPS)
        return ops

    def parse_args(self, tokens, loc, allow):
        """Parse the ARGS of a format or pattern into a dict of settings."""
        out = {'assigns': {}}
        for t in tokens:
            key = None
            if t.startswith('@') and 'fmt' in allow:
                key, value = 'fmt', self.lookup('format', self.formats, t[1:], loc)
            elif t.startswith('&'):
                key, value = 'argset', self.lookup('argument set', self.argsets,
                                                   t[1:], loc)
            elif t.startswith('!xlen=') and 'xlen' in allow:
                if t not in ('!xlen=32', '!xlen=64'):
                    raise DecodeError(loc, '!xlen must be 32 or 64')
                key, value = 'xlen', int(t[6:])
            elif t.startswith('!trans=') and 'trans' in allow:
                if not IDENT_RE.match(t[7:]):
                    raise DecodeError(loc, 'bad trans_ name "%s"' % t[7:])
                key, value = 'trans', t[7:]
            elif t.startswith('!asm='):
                key, value = 'asm', self.parse_asm(t[5:], loc)
            elif t.startswith('%') or ASSIGN_RE.match(t):
                if t.startswith('%'):
                    member, src = t[1:], t
                else:
                    member, src = t.split('=', 1)
                if member in out['assigns']:
                    raise DecodeError(loc, 'member "%s" set twice' % member)
                if src.startswith('%'):
                    value = self.lookup('field', self.fields, src[1:], loc)
                else:
                    value = Const(int(src, 0))
                out['assigns'][member] = value
                continue
            else:
                raise DecodeError(loc, 'unexpected "%s"' % t)
            if key in out:
                raise DecodeError(loc, '"%s" given twice' % t.split('=')[0])
            out[key] = value
        return out

    def check_members(self, argset, assigns, asm, loc):
        for m in assigns:
            if m not in argset.members:
                raise DecodeError(loc, 'argument set "%s" has no member "%s"'
                                  % (argset.name, m))
        for m in argset.members:
            if m not in assigns:
                raise DecodeError(loc, 'member "%s" of argument set "%s" is '
                                  'not set' % (m, argset.name))
        for _, m, _ in asm or []:
            if m not in argset.members:
                raise DecodeError(loc, '!asm names "%s", which argument set '
                                  '"%s" lacks' % (m, argset.name))

    def parse_format(self, tokens, loc):
        name = tokens.pop(0)[1:]
        if not IDENT_RE.match(name):
            raise DecodeError(loc, 'bad format name "%s"' % name)
        if name in self.formats:
            raise DecodeError(loc, 'format "%s" already defined' % name)
        mask, bits = self.parse_bits(tokens, loc)
        a = self.parse_args(tokens, loc, allow=())
        argset = a.get('argset', self.empty)
        self.check_members(argset, a['assigns'], a.get('asm'), loc)
        self.formats[name] = Format(name, mask, bits, argset, a['assigns'],
                                    a.get('asm'), loc)

    def parse_pattern(self, tokens, loc, text):
        name = tokens.pop(0)
        if not NAME_RE.match(name):
            raise DecodeError(loc, 'bad pattern name "%s"' % name)
        p = Pattern(name, loc, text)
        p.mask, p.bits = self.parse_bits(tokens, loc)
        a = self.parse_args(tokens, loc, allow=('fmt', 'xlen', 'trans'))
        fmt = a.get('fmt')
        p.fmt = fmt
        p.argset = a.get('argset') or (fmt.argset if fmt else self.empty)
        if fmt:
            if fmt.argset is not p.argset:
                raise DecodeError(loc, 'argument set "%s" differs from format '
                                  '"%s"\'s "%s"' % (p.argset.name, fmt.name,
                                                    fmt.argset.name))
            if fmt.mask & p.mask & (fmt.bits ^ p.bits):
                raise DecodeError(loc, 'fixed bits contradict format "%s"'
                                  % fmt.name)
            p.mask |= fmt.mask
            p.bits |= fmt.bits
            p.assigns = dict(fmt.assigns)
            p.asm = fmt.asm
        p.overrides = bool(a['assigns'])
        p.assigns.update(a['assigns'])
        p.asm = a.get('asm', p.asm)
        p.xlen = a.get('xlen', 0)
        p.trans = a.get('trans', name.replace('.', '_'))
        self.check_members(p.argset, p.assigns, p.asm, loc)
        return p

    def parse(self, lines):
        group = None
        for n, raw in enumerate(lines, 1):
            loc = Loc(self.path, n)
            text = raw.split('#', 1)[0].strip()
            tokens = text.split()
            if not tokens:
                continue
            if tokens == ['{']:
                if group:
                    raise DecodeError(loc, 'groups do not nest (group opened '
                                      'at %s)' % group.loc)
                group = Group(loc)
            elif tokens == ['}']:
                if not group:
                    raise DecodeError(loc, '"}" without "{"')
                if not group.members:
                    raise DecodeError(loc, 'empty group')
                self.items.append(group)
                group = None
            elif tokens[0].startswith('%'):
                self.parse_field(tokens, loc)
            elif tokens[0].startswith('&'):
                self.parse_argset(tokens, loc)
            elif tokens[0].startswith('@'):
                self.parse_format(tokens, loc)
            else:
                p = self.parse_pattern(tokens, loc, ' '.join(tokens))
                self.patterns.append(p)
                if group:
                    group.members.append(p)
                else:
                    self.items.append(p)
        if group:
            raise DecodeError(group.loc, 'group is never closed')
        self.check_trans()
        self.check_overlaps()

    def check_trans(self, other=None):
        seen = {}
        for p in (other.patterns if other else []) + self.patterns:
            q = seen.setdefault(p.trans, p)
            if q.argset.name != p.argset.name:
                raise DecodeError(p.loc, 'trans_%s takes arg_%s here but '
                                  'arg_%s at %s' % (p.trans, p.argset.name,
                                                    q.argset.name, q.loc))

    def check_overlaps(self):
        def members(item):
            return item.members if isinstance(item, Group) else [item]
        for i, a in enumerate(self.items):
            for b in self.items[i + 1:]:
                for p in members(a):
                    for q in members(b):
                        if patterns_overlap(p, q):
                            raise DecodeError(
                                q.loc, 'pattern "%s" overlaps pattern "%s" at '
                                '%s; put both in a { } group if that is meant'
                                % (q.name, p.name, p.loc))

    def check_extern(self, other):
        for s in self.argsets.values():
            if not s.extern:
                continue
            o = other.argsets.get(s.name)
            if o is None or o.extern or o.members != s.members:
                raise DecodeError(s.loc, 'argument set "%s" does not match the '
                                  'one in %s' % (s.name, other.path))
        self.check_trans(other)

    def decode(self, insn, xlen):
        """The first pattern matching INSN at XLEN: the decoder's reference."""
        for p in self.patterns:
            if p.matches(insn, xlen):
                return p
        return None


def parse_file(path, width):
    with open(path) as f:
        lines = f.read().split('\n')
    t = Table(path, width)
    t.parse(lines)
    return t


class Writer:
    def __init__(self):
        self.lines = []
        self.depth = 0

    def __call__(self, s=''):
        self.lines.append(('    ' * self.depth + s) if s else '')

    def text(self):
        return '\n'.join(self.lines) + '\n'


def emit_field(w, prefix, f):
    """A function returning field F of an instruction."""
    w('/* %s: %%%s */' % (f.loc.short(), f.name))
    w('static int %s_field_%s(uint32_t insn)' % (prefix, f.name))
    w('{')
    parts = []
    left = f.width()
    for pos, n in f.segments:
        left -= n
        part = '((insn >> %d) & 0x%xu)' % (pos, (1 << n) - 1)
        parts.append('(%s << %d)' % (part, left) if left else part)
    w('    uint32_t v = %s;' % ' | '.join(parts))
    if f.signed:
        # XOR-and-subtract sign-extends without signed overflow.
        value = '(int)((int64_t)(v ^ 0x%xu) - 0x%x)' % ((1 << (f.width() - 1),) * 2)
    else:
        value = '(int)v'
    w('    return %s%s;' % (value, ' + %d' % f.add if f.add else ''))
    w('}')
    w()


def hx(v):
    return '0x%08x' % v


class DecoderEmitter:
    def __init__(self, table, name):
        self.t = table
        self.name = name
        self.w = Writer()
        self.extractors = {}          # extractor_key -> function name
        self.extractor_order = []

    def signature(self, p):
        return (p.argset.name,
                tuple((m, p.assigns[m].name if isinstance(p.assigns[m], Field)
                       else int(p.assigns[m].value)) for m in p.argset.members))

    def extractor_key(self, p):
        """Patterns share the extractor of their format unless they add to it."""
        if p.fmt and not p.overrides:
            return p.fmt.name, self.signature(p)
        return p.name.replace('.', '_'), self.signature(p)

    def plan_extractors(self):
        names = set()
        for p in self.t.patterns:
            key = self.extractor_key(p)
            if not p.argset.members or key in self.extractors:
                continue
            fn, n = '%s_extract_%s' % (self.name, key[0]), 2
            while fn in names:
                fn, n = '%s_extract_%s_%d' % (self.name, key[0], n), n + 1
            names.add(fn)
            self.extractors[key] = fn
            self.extractor_order.append((fn, p))

    def emit_call(self, p, in_group):
        w = self.w
        w('/* %s: %s */' % (p.loc.short(), p.text))
        arg = 'u.f_%s' % p.argset.name
        if p.argset.members:
            w('%s(&%s, insn);' % (self.extractors[self.extractor_key(p)], arg))
        call = 'trans_%s(ctx, &%s)' % (p.trans, arg)
        if in_group:
            w('if (%s) {' % call)
            w('    return true;')
            w('}')
            return True
        w('return %s;' % call)
        return False

    def emit_pattern(self, p, tested, in_group=False):
        """Emit P's remaining tests and call; True if control can fall past."""
        conds = []
        if p.mask & ~tested:
            conds.append('(insn & %s) == %s' % (hx(p.mask & ~tested),
                                                 hx(p.bits & ~tested)))
        if p.xlen:
            conds.append('decode_xlen(ctx) == %d' % p.xlen)
        if not conds:
            return self.emit_call(p, in_group)
        self.w('if (%s) {' % ' && '.join(conds))
        self.w.depth += 1
        self.emit_call(p, in_group)
        self.w.depth -= 1
        self.w('}')
        return True

    def emit_group(self, g, tested):
        w = self.w
        mask, bits = g.mask_bits()
        if mask & ~tested:
            w('if ((insn & %s) == %s) {' % (hx(mask & ~tested), hx(bits & ~tested)))
            w.depth += 1
        for p in g.members:
            self.emit_pattern(p, tested | mask, in_group=True)
        if mask & ~tested:
            w.depth -= 1
            w('}')
        return True

    def emit_item(self, item, tested):
        if isinstance(item, Group):
            return self.emit_group(item, tested)
        return self.emit_pattern(item, tested)

    def emit_tree(self, items, tested):
        """Emit a decision over ITEMS, given the bits in TESTED are known."""
        if len(items) == 1:
            return self.emit_item(items[0], tested)
        common = ~tested & ((1 << self.t.width) - 1)
        for it in items:
            common &= item_mask_bits(it)[0]
        if not common:
            # No bit is fixed by all: the items differ in bits only some of
            # them fix (or only in XLEN), so try each in turn.
            falls = True
            for it in items:
                falls = self.emit_item(it, tested)
            return falls
        cases = {}
        for it in items:
            cases.setdefault(item_mask_bits(it)[1] & common, []).append(it)
        w = self.w
        w('switch (insn & %s) {' % hx(common))
        for value in sorted(cases):
            w('case %s:' % hx(value))
            w.depth += 1
            if self.emit_tree(cases[value], tested | common):
                w('return false;')
            w.depth -= 1
        w('}')
        return True

    def emit(self):
        t, w = self.t, self.w
        w('/* Generated by scripts/decodegen.py from %s: do not edit. */'
          % os.path.basename(t.path))
        w()
        used_sets = []
        for p in t.patterns:
            if p.argset not in used_sets:
                used_sets.append(p.argset)
        for s in t.argsets.values():
            if s.extern:
                continue
            if s is t.empty:
                w('/* C has no empty structs. */')
                w('typedef struct {')
                w('    int unused;')
            else:
                w('typedef struct {')
                for m in s.members:
                    w('    int %s;' % m)
            w('} arg_%s;' % s.name)
            w()
        if any(p.xlen for p in t.patterns):
            w('/* The XLEN the instruction executes at: 32 or 64. */')
            w('static int decode_xlen(DisasContext *ctx);')
            w()
        seen = set()
        for p in t.patterns:
            if p.trans not in seen:
                seen.add(p.trans)
                w('static bool trans_%s(DisasContext *ctx, arg_%s *a);'
                  % (p.trans, p.argset.name))
        w()
        self.plan_extractors()
        fields = []
        for _, p in self.extractor_order:
            for m in p.argset.members:
                f = p.assigns[m]
                if isinstance(f, Field) and f not in fields:
                    fields.append(f)
        for f in sorted(fields, key=lambda f: f.loc.line):
            emit_field(w, self.name, f)
        for fn, p in self.extractor_order:
            w('static void %s(arg_%s *a, uint32_t insn)' % (fn, p.argset.name))
            w('{')
            for m in p.argset.members:
                src = p.assigns[m]
                if isinstance(src, Field):
                    w('    a->%s = %s_field_%s(insn);' % (m, self.name, src.name))
                else:
                    w('    a->%s = %d;' % (m, src.value))
            w('}')
            w()
        w('static bool %s(DisasContext *ctx, uint%d_t insn)' % (self.name, t.width))
        w('{')
        w.depth += 1
        w('union {')
        for s in used_sets:
            w('    arg_%s f_%s;' % (s.name, s.name))
        w('} u;')
        w()
        if self.emit_tree(t.items, 0):
            w('return false;')
        w.depth -= 1
        w('}')
        return w.text()


def item_mask_bits(item):
    if isinstance(item, Group):
        return item.mask_bits()
    return item.mask, item.bits


def emit_disas(t, name):
    w = Writer()
    w('/* Generated by scripts/decodegen.py from %s: do not edit. */'
      % os.path.basename(t.path))
    w()
    fields = []
    for p in t.patterns:
        for _, m, _ in p.asm or []:
            f = p.assigns[m]
            if isinstance(f, Field) and f not in fields:
                fields.append(f)
    for f in sorted(fields, key=lambda f: f.loc.line):
        emit_field(w, name, f)
    w('static const DisasPattern %s_patterns[] = {' % name)
    for p in t.patterns:
        w('    /* %s: %s */' % (p.loc.short(), p.text))
        mnemonic = 'NULL' if p.name == 'illegal' else '"%s"' % p.name
        w('    { %s, %s, %s, %d, %s, {' % (mnemonic, hx(p.mask), hx(p.bits), p.xlen,
                                         'true' if p.trans == 'illegal' else 'false'))
        for kind, m, flags in p.asm or []:
            src = p.assigns[m]
            fl = ' | '.join('DISAS_%s' % f.upper() for f in sorted(flags)) or '0'
            if isinstance(src, Field):
                w('        { %s, %s, %s_field_%s, 0 },'
                  % (ASM_KINDS[kind], fl, name, src.name))
            else:
                w('        { %s, %s, NULL, %d },' % (ASM_KINDS[kind], fl, src.value))
        w('    } },')
    w('};')
    return w.text()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--decode', required=True, help='name of the decode function')
    ap.add_argument('--width', type=int, choices=(16, 32), required=True)
    ap.add_argument('--output', required=True, help='decoder .c.inc to write')
    ap.add_argument('--disas-output', required=True,
                    help='disassembler table .c.inc to write')
    ap.add_argument('--disas-name', help='prefix of the disassembler table '
                    '(default: the decode name with decode_ made disas_)')
    ap.add_argument('--extern-from', help='32-bit .decode file defining the '
                    '!extern argument sets')
    ap.add_argument('input')
    args = ap.parse_args(argv)
    try:
        t = parse_file(args.input, args.width)
        if args.extern_from:
            t.check_extern(parse_file(args.extern_from, 32))
        elif any(s.extern for s in t.argsets.values()):
            raise DecodeError(Loc(args.input, 0), '!extern needs --extern-from')
    except DecodeError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print('decodegen: %s' % e, file=sys.stderr)
        return 1
    disas_name = args.disas_name or re.sub('^decode', 'disas', args.decode)
    with open(args.output, 'w') as f:
        f.write(DecoderEmitter(t, args.decode).emit())
    with open(args.disas_output, 'w') as f:
        f.write(emit_disas(t, disas_name))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
