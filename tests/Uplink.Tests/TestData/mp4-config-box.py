#!/usr/bin/env python3
"""Prints, as hex, the body of the first box of the given type (av1C, vpcC) inside the first video sample
entry of an MP4 file: the bytes a muxer wrote after the 8-byte box header."""
import sys

CONTAINERS = {b'moov', b'trak', b'mdia', b'minf', b'stbl'}
SAMPLE_ENTRY_HEADER = 78  # SampleEntry (8) + VisualSampleEntry fields (70) before the child boxes


def boxes(data, start, end):
    pos = start
    while pos + 8 <= end:
        size = int.from_bytes(data[pos:pos + 4], 'big')
        kind = data[pos + 4:pos + 8]
        header = 8
        if size == 1:
            size = int.from_bytes(data[pos + 8:pos + 16], 'big')
            header = 16
        elif size == 0:
            size = end - pos
        yield kind, pos + header, pos + size
        pos += size


def find(data, start, end, want):
    for kind, body, stop in boxes(data, start, end):
        if kind == want:
            return data[body:stop]
        if kind in CONTAINERS:
            found = find(data, body, stop, want)
        elif kind == b'stsd':
            found = find(data, body + 8, stop, want)
        elif kind in (b'av01', b'vp09'):
            found = find(data, body + SAMPLE_ENTRY_HEADER, stop, want)
        else:
            found = None
        if found is not None:
            return found
    return None


data = open(sys.argv[1], 'rb').read()
box = find(data, 0, len(data), sys.argv[2].encode())
if box is None:
    sys.exit(f'no {sys.argv[2]} box in {sys.argv[1]}')
print(box.hex())
