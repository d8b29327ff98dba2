#!/usr/bin/env python3
# Usage: python3 dist/pe_normalize.py FILE.exe (rewrites it in place).
# Makes a PE image built by lld reproducible: its link time stamps (COFF header and
# debug directory) and the CodeView GUID vary from link to link although the code does
# not. Stamps become 0; the GUID becomes a hash of the image with those fields zeroed.
import hashlib, struct, sys

path = sys.argv[1]
b = bytearray(open(path, "rb").read())
pe = struct.unpack_from("<I", b, 0x3C)[0]
assert b[pe:pe + 4] == b"PE\0\0", "not a PE image"
nsec, opt_size = struct.unpack_from("<H", b, pe + 6)[0], struct.unpack_from("<H", b, pe + 20)[0]
opt = pe + 24
assert struct.unpack_from("<H", b, opt)[0] == 0x20B, "not PE32+"
struct.pack_into("<I", b, pe + 8, 0)  # COFF TimeDateStamp
sections = [struct.unpack_from("<IIII", b, opt + opt_size + 40 * i + 8) for i in range(nsec)]


def offset(rva):
    for vsize, va, rsize, raw in sections:
        if va <= rva < va + max(vsize, rsize):
            return raw + rva - va
    raise ValueError("rva outside sections")


guids = []
rva, size = struct.unpack_from("<II", b, opt + 112 + 6 * 8)  # data directory 6: debug
if size:
    d = offset(rva)
    for e in range(d, d + size, 28):
        struct.pack_into("<I", b, e + 4, 0)  # TimeDateStamp
        typ, raw = struct.unpack_from("<I", b, e + 12)[0], struct.unpack_from("<I", b, e + 24)[0]
        if typ == 2 and b[raw:raw + 4] == b"RSDS":  # CodeView
            guids.append(raw + 4)
            b[raw + 4:raw + 20] = bytes(16)
digest = hashlib.sha256(b).digest()[:16]
for g in guids:
    b[g:g + 16] = digest
open(path, "wb").write(b)
