#!/usr/bin/env python3
"""variants.py OFFICIAL_DIR OUT [STRIDE]

Writes single-value variants of the standard's example messages for the
differential XSD check (scripts/check-conformance, tests/conformance/diff.c).
For every leaf value of every example (OFFICIAL_DIR/berichten/JW3nn.xml) it
writes copies of the example with that one value replaced by:
  - every enumeration value of the leaf's type (as the official XSD in
    OFFICIAL_DIR/xsd declares it),
  - each length bound -1, +0, +1 (minLength, maxLength), filled with letters
    and with digits,
  - each integer bound -1, +0, +1 (minInclusive, maxInclusive), a leading
    zero and a '+' sign,
  - empty, blanks, surrounding blanks, a tab, LF and CR line breaks inside
    and at the ends, and values of the other lexical classes (dates with
    zones and odd years, times, accented and non-Latin letters).
Only the leaf's own text changes, so each variant tests one value. The
verdicts come from the validators, never from here. Python standard library
only. STRIDE > 1 keeps every STRIDE-th variant of the generic classes (the
enumeration and bound variants are always all kept).

Output records: "@ JWnnn label\\n<byte length>\\n<bytes>\\n".
"""
import re
import sys
import xml.etree.ElementTree as ET

XS = '{http://www.w3.org/2001/XMLSchema}'


def local(tag):
    return tag.rsplit('}', 1)[-1]


class Schema:
    def __init__(self, basis_path, msg_path):
        self.basis = ET.parse(basis_path).getroot()
        self.msg = ET.parse(msg_path).getroot()
        self.simple = {}
        self.complex = {}
        for root, pfx in ((self.basis, 'ijw'), (self.msg, 'msg')):
            for st in root.findall(XS + 'simpleType'):
                self.simple[(pfx, st.get('name'))] = st
            for ct in root.findall(XS + 'complexType'):
                self.complex[(pfx, ct.get('name'))] = ct

    def ref(self, qname, in_basis):
        pfx, _, name = qname.rpartition(':')
        if pfx == 'xs':
            return ('xs', name)
        if pfx == 'ijw' or (pfx == '' and in_basis):
            return ('ijw', name)
        return ('msg', name)

    def simple_facets(self, st, in_basis, acc):
        res = st.find(XS + 'restriction')
        base = self.ref(res.get('base'), in_basis)
        enums = [e.get('value') for e in res.findall(XS + 'enumeration')]
        if enums and 'enum' not in acc:
            acc['enum'] = enums
        for f in ('minLength', 'maxLength', 'minInclusive', 'maxInclusive'):
            e = res.find(XS + f)
            if e is not None and f not in acc:
                acc[f] = e.get('value')
        for p in res.findall(XS + 'pattern'):
            acc.setdefault('pattern', []).append(p.get('value'))
        if base[0] == 'xs':
            acc['base'] = base[1]
        else:
            self.simple_facets(self.simple[base], base[0] == 'ijw', acc)
        return acc

    def leaf_type(self, path):
        """Facets of the simple type of the element at path (local names
        below Bericht), or None for a complex element."""
        ct, in_basis = self.complex[('msg', 'Root')], False
        for i, name in enumerate(path):
            decl = None
            for e in ct.iter(XS + 'element'):
                if e.get('name') == name:
                    decl = e
                    break
            if decl is None:
                return None
            last = i == len(path) - 1
            t = decl.get('type')
            if t is None:
                st = decl.find(XS + 'simpleType')
                return self.simple_facets(st, in_basis, {}) if last and st is not None else None
            key = self.ref(t, in_basis)
            if key in self.complex:
                ct, in_basis = self.complex[key], key[0] == 'ijw'
                continue
            if not last:
                return None
            if key[0] == 'xs':
                return {'base': key[1]}
            return self.simple_facets(self.simple[key], key[0] == 'ijw', {})
        return None


def leaves(raw):
    """(start, end, path) of the text of every element without children,
    in document order, by a scan of the raw text (so everything else stays
    byte for byte)."""
    out, stack = [], []
    for m in re.finditer(r'<(/?)([\w.-]+:)?([\w.-]+)[^>]*?(/?)>', raw):
        if raw[m.start() + 1] in '?!':
            continue
        close, name, empty = m.group(1), m.group(3), m.group(4)
        if close:
            opened = stack.pop()
            if opened[2]:  # no child element since it opened
                out.append((opened[1], m.start(), [s[0] for s in stack[1:]] + [name]))
            if stack:
                stack[-1][2] = False
        elif empty:
            if stack:
                stack[-1][2] = False
        else:
            if stack:
                stack[-1][2] = False
            stack.append([name, m.end(), True])
    return out


def esc(v):
    return (v.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
            .replace('\r', '&#13;'))


def values(orig, f):
    """(label, value, always) for one leaf."""
    out = []
    for e in f.get('enum', []):
        out.append(('enum=' + e, e, True))
    base = f.get('base', 'string')
    for b in ('minLength', 'maxLength'):
        if b in f:
            n = int(f[b])
            for k in (n - 1, n, n + 1):
                if k >= 0:
                    out.append(('%s%+d letters' % (b, k - n), ('ABCDEFGHIJ' * 30)[:k], True))
                    out.append(('%s%+d digits' % (b, k - n), ('1234567890' * 30)[:k], True))
    for b in ('minInclusive', 'maxInclusive'):
        if b in f:
            n = int(f[b])
            for k in (n - 1, n, n + 1):
                out.append(('%s%+d' % (b, k - n), str(k), True))
    g = [('empty', ''), ('blank', ' '), ('blanks', '   '), ('lead blank', ' ' + orig),
         ('trail blank', orig + ' '), ('tab', 'a\tb'), ('only tab', '\t'),
         ('LF inside', orig[:1] + '\n' + orig[1:]), ('LF end', orig + '\n'),
         ('CR inside', orig[:1] + '\r' + orig[1:]), ('CRLF end', orig + '\r\n'),
         ('lead zero', '0' + orig), ('plus', '+' + orig), ('minus', '-' + orig),
         ('dot', orig + '.'), ('accent', 'É'), ('y-grave', 'ỳ'), ('Y-dot-below', 'Ỵ'),
         ('times sign', '×'), ('cyrillic', 'Ж'), ('letters', 'abc'), ('digits', '0031'),
         ('plus31', '+31'), ('doubled', orig + orig)]
    if base in ('date', 'time') or re.fullmatch(r'\d{4}-\d\d-\d\d', orig or ''):
        g += [('date Z', '2026-01-01Z'), ('date offset', '2026-01-01+01:00'),
              ('date 5-digit year', '12026-01-01'), ('date negative year', '-2026-01-01'),
              ('date 30 feb', '2026-02-30'), ('date short', '2026-1-01'), ('date ok', '2026-12-31'),
              ('time Z', '12:00:00Z'), ('time fraction', '12:00:00.5'), ('time 24', '24:00:00'),
              ('time offset', '12:00:00+01:00'), ('time short', '12:00')]
    out += [(lab, v, False) for lab, v in g]
    return out


def main():
    offdir, outpath = sys.argv[1], sys.argv[2]
    stride = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    types = ['301', '302', '305', '306', '307', '308', '315', '316', '317', '318', '319', '320',
             '323', '325']
    n = 0
    gen_i = 0
    with open(outpath, 'wb') as out:
        for t in types:
            raw = open('%s/berichten/JW%s.xml' % (offdir, t), encoding='utf-8').read()
            # The example's own XSD defect (2027-06-31) would make every
            # variant invalid for both; repair it so the variants test one
            # value each.
            raw = raw.replace('2027-06-31', '2027-06-30')
            schema = Schema('%s/xsd/basisschema.xsd' % offdir, '%s/xsd/JW%s.xsd' % (offdir, t))
            for start, end, path in leaves(raw):
                f = schema.leaf_type(path)
                if f is None:
                    continue
                orig = raw[start:end]
                seen = set()
                for label, v, always in values(orig, f):
                    if v in seen or v == orig:
                        continue
                    seen.add(v)
                    if not always:
                        gen_i += 1
                        if gen_i % stride:
                            continue
                    doc = (raw[:start] + esc(v) + raw[end:]).encode('utf-8')
                    head = '@ JW%s %s=%r (%s)\n%d\n' % (t, '/'.join(path), v, label, len(doc))
                    out.write(head.encode('utf-8'))
                    out.write(doc)
                    out.write(b'\n')
                    n += 1
    print('variants: %d' % n, file=sys.stderr)


if __name__ == '__main__':
    main()
