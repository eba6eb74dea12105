#!/usr/bin/env python3
"""Regenerates the CPython golden files used by the protocol tests (deterministic seed).

floats.txt:    <IEEE-754 bits as 16 hex digits> <repr(float)>       (one per line)
canonical.txt: <base64 of json.dumps(doc, indent=1, ensure_ascii=True)> <base64 of the canonical bytes>
Canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).
Run with CPython 3.11+:  python3 generate.py
"""
import base64, json, math, random, struct

rnd = random.Random(20261128)

def finite_from_bits():
    while True:
        b = rnd.getrandbits(64)
        x = struct.unpack('<d', struct.pack('<Q', b))[0]
        if math.isfinite(x):
            return x

vals = []
for _ in range(12000):
    vals.append(finite_from_bits())
for e in range(-325, 309):
    for m in (1, 2, 5, 9.999999999999999, 1.5, 4.9):
        try:
            vals.append(float(f"{m}e{e}"))
        except OverflowError:
            pass
for _ in range(3000):
    vals.append(rnd.uniform(-1e6, 1e6))
    vals.append(round(rnd.uniform(0, 1000), rnd.randint(0, 6)))
vals += [5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 0.2, 0.30000000000000004,
         1e16, 1e15, 1e-4, 1e-5, 123456789012345.6, 1234567890123456.7, 12345678901234567.0, -0.0, 0.0, 9007199254740993.0]

vals = [x for x in vals if math.isfinite(x)]
with open('floats.txt', 'w') as f:
    for x in vals:
        bits = struct.unpack('<Q', struct.pack('<d', x))[0]
        f.write(f"{bits:016x} {x!r}\n")

ALPH = ['a', 'b', 'Z', '_', 'é', 'ß', '東', '\u2028', '\uffff', '\uff21', '😀', '🚀', '"', '\\', '/', '\n', '\t', '\x00', '\x1f', '\x7f', ' ', 'ü']
def rstr(n=8):
    return ''.join(rnd.choice(ALPH) for _ in range(rnd.randint(0, n)))

def rval(depth):
    r = rnd.random()
    if depth > 2 or r < 0.45:
        c = rnd.randint(0, 6)
        if c == 0: return rstr()
        if c == 1: return rnd.randint(-10**rnd.randint(1, 30), 10**rnd.randint(1, 30))
        if c == 2: return finite_from_bits() if rnd.random() < 0.5 else rnd.uniform(-1e3, 1e3)
        if c == 3: return rnd.choice([True, False])
        if c == 4: return None
        if c == 5: return rnd.randint(-1000, 1000)
        return rstr(3)
    if r < 0.65:
        return [rval(depth + 1) for _ in range(rnd.randint(0, 4))]
    return {rstr(6): rval(depth + 1) for _ in range(rnd.randint(0, 4))}

with open('canonical.txt', 'w') as f:
    for _ in range(400):
        doc = {rstr(6): rval(0) for _ in range(rnd.randint(1, 6))}
        pretty = json.dumps(doc, indent=1, ensure_ascii=True)
        canon = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode('utf-8')
        f.write(base64.b64encode(pretty.encode('ascii')).decode() + ' ' + base64.b64encode(canon).decode() + '\n')
