#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fill a directory with N small volume files for a real dir pool.

Usage: make-pool-dir.py DIR N TEMPLATE.qcow2

Names and formats as gen-pool-xml.py's: vol-00001.qcow2, vol-00002.qcow2,
vol-00003.img, ... Every qcow2 file is a copy of TEMPLATE (an empty image made
with qemu-img create, so libvirt reads a real qcow2 header and virtual size),
written sparse: only its non-zero 4 KiB blocks take space. Every raw file is a
sparse 1 MiB file. Forking qemu-img 5,000 times would take a minute; this
takes about a second.
"""

import os
import sys

BLOCK = 4096
RAW_SIZE = 1 << 20


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.splitlines()[2])
    directory, n, template = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(template, "rb") as f:
        image = f.read()
    blocks = [(off, image[off:off + BLOCK]) for off in range(0, len(image), BLOCK)
              if image[off:off + BLOCK].strip(b"\0")]

    os.makedirs(directory, exist_ok=True)
    for i in range(1, n + 1):
        raw = i % 3 == 0
        path = os.path.join(directory, "vol-%05d%s" % (i, ".img" if raw else ".qcow2"))
        with open(path, "wb") as out:
            if raw:
                out.truncate(RAW_SIZE)
                continue
            for off, data in blocks:
                out.seek(off)
                out.write(data)
            out.truncate(len(image))


if __name__ == "__main__":
    main()
