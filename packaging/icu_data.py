"""A smaller libicudata for the Linux bundle: Qt's ICU data without the parts Qt never reads.

    python packaging/icu_data.py SOURCE/libicudata.so.73 OUT/libicudata.so.73

PySide6's Qt links ICU 73, whose data library is 32 MB: one symbol, icudt73_dat, holding an ICU
"common data" package of about 3,900 items. Qt (libQt6Core is the only library calling ICU;
`nm -D --undefined-only` lists its imports) uses four services: collation (ucol_*, QCollator,
the file dialog's sorting), legacy text encodings (ucnv_*, QStringDecoder), time-zone names
(ucal_*) and case mapping (u_strToUpper/Lower). Those read the locale bundles, coll/, zone/, the
converters and the Unicode property files. Break iteration, transliteration, spelled-out numbers,
units, currencies and the display names of languages and regions (brkitr/, translit/, rbnf/,
unit/, curr/, lang/, region/, unames.icu) are read only by ICU services Qt never calls: 15 MB.

The package is rewritten without those items and linked into a library of the same soname that
exports the same symbol, with binutils' `as` and `ld` (PyInstaller's strip needs binutils anyway).
"""

from __future__ import annotations

import struct
import subprocess
import sys
import tempfile
from pathlib import Path

# Item name prefixes (after the "icudt73l/" package name) that no Qt code path reaches.
UNUSED = ("brkitr/", "translit/", "rbnf/", "unit/", "curr/", "lang/", "region/", "unames.icu")
ALIGN = 16  # ICU's own packager aligns every item so; its data structures assume it


def _elf_symbol(library: bytes, wanted: bytes) -> tuple[int, int]:
    """The file offset and size of the dynamic symbol `wanted` in a 64-bit little-endian ELF."""
    if library[:5] != b"\x7fELF\x02" or library[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF library")
    shoff, = struct.unpack_from("<Q", library, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", library, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", library, shoff + i * shentsize) for i in range(shnum)]
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strings = sections[link][4]
        for at in range(offset, offset + size, entsize):
            st_name, _st_info, _other, st_shndx, st_value, st_size = struct.unpack_from("<IBBHQQ", library, at)
            name = library[strings + st_name:library.index(b"\0", strings + st_name)]
            if name == wanted:
                _n, _k, _f, addr, sec_offset, _s, _l, _i, _a, _e = sections[st_shndx]
                return st_value - addr + sec_offset, st_size
    raise ValueError(f"no symbol {wanted.decode()}")


def items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """An ICU common-data package's header and its (name, content) items, in table order."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", package, 0)
    if (magic1, magic2) != (0xDA, 0x27) or package[12:16] != b"CmnD":
        raise ValueError("not an ICU common-data package")
    count, = struct.unpack_from("<I", package, header_size)
    table = [struct.unpack_from("<II", package, header_size + 4 + 8 * i) for i in range(count)]
    out = []
    for i, (name_at, data_at) in enumerate(table):
        start = header_size + name_at
        name = package[start:package.index(b"\0", start)].decode("ascii")
        end = header_size + table[i + 1][1] if i + 1 < count else len(package)
        out.append((name, package[header_size + data_at:end]))
    return package[:header_size], out


def package(header: bytes, entries: list[tuple[str, bytes]]) -> bytes:
    """The common-data package of these items (names sorted as ICU's binary search needs)."""
    entries = sorted(entries, key=lambda entry: entry[0].encode("ascii"))
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in entries)
    table_size = 4 + 8 * len(entries)
    data_at = -(-(table_size + len(names)) // ALIGN) * ALIGN
    data_at += -(len(header) + data_at) % ALIGN  # items aligned in the whole package, header included
    table, body, name_at = [struct.pack("<I", len(entries))], bytearray(), table_size
    for name, content in entries:
        table.append(struct.pack("<II", name_at, data_at + len(body)))
        name_at += len(name) + 1
        body += content + b"\0" * (-len(content) % ALIGN)
    head = b"".join(table) + names
    return header + head + b"\0" * (data_at - len(head)) + bytes(body)


def without_unused(data: bytes) -> tuple[bytes, int]:
    """The package without the items Qt never reads, and how many items went."""
    header, entries = items(data)
    kept = [(name, content) for name, content in entries if not name.split("/", 1)[-1].startswith(UNUSED)]
    return package(header, kept), len(entries) - len(kept)


def shrink(source: Path, out: Path) -> int:
    """Writes the smaller library to out; returns the number of items left out."""
    library = source.read_bytes()
    symbol = "icudt" + source.name.split(".so.")[1].split(".")[0] + "_dat"
    offset, size = _elf_symbol(library, symbol.encode())
    data, dropped = without_unused(library[offset:offset + size])
    with tempfile.TemporaryDirectory() as folder:
        blob, assembly, obj = (Path(folder) / name for name in ("icu.dat", "icu.s", "icu.o"))
        blob.write_bytes(data)
        assembly.write_text(
            f'\t.section .rodata\n\t.balign {ALIGN}\n\t.globl {symbol}\n\t.type {symbol}, @object\n'
            f'{symbol}:\n\t.incbin "{blob}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
        subprocess.run(["as", "-o", str(obj), str(assembly)], check=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["ld", "-shared", "-s", "-soname", source.name, "-o", str(out), str(obj)], check=True)
    return dropped


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    print(f"{shrink(source, target)} items left out; {source.stat().st_size} -> {target.stat().st_size} bytes")
