"""Checks a `cargo lambda build --output-format zip` artifact: one executable `bootstrap`, an ELF for the
expected architecture (aarch64 by default; x86_64 with --x86_64). Usage: check-lambda-zip.py ZIP [--x86_64]"""

import sys
import zipfile

AARCH64, X86_64 = 183, 62
path = sys.argv[1]
expected = X86_64 if "--x86_64" in sys.argv else AARCH64
archive = zipfile.ZipFile(path)
names = archive.namelist()
if names != ["bootstrap"]:
    sys.exit(f"{path}: expected exactly a bootstrap, found {names}")
info = archive.getinfo("bootstrap")
data = archive.read("bootstrap")
if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
    sys.exit(f"{path}: bootstrap is not a 64-bit little-endian ELF")
machine = int.from_bytes(data[18:20], "little")
if machine != expected:
    sys.exit(f"{path}: bootstrap is for ELF machine {machine}, expected {expected}")
if not (info.external_attr >> 16) & 0o111:
    sys.exit(f"{path}: bootstrap is not executable")
arch = "aarch64" if machine == AARCH64 else "x86_64"
print(f"{path}: {arch} bootstrap, {len(data) / 1e6:.1f} MB unzipped, {info.compress_size / 1e6:.1f} MB zipped")
