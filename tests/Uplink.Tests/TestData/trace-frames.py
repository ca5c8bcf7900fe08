#!/usr/bin/env python3
"""Reads ffmpeg's trace_headers bitstream filter log (stdin, -loglevel trace) of an AV1 or VP9 stream and prints one
token a frame header, '/' between the frames of a packet, ',' between packets:
  E<slot>              show_existing_frame, frame_to_show_map_idx
  <type><s|h>[i]<refresh>  frame_type, shown or hidden, i when intra_only, refresh_frame_flags or '-' when not coded
Lines before the first packet (the extradata) are ignored."""
import re
import sys

FIELD = re.compile(r'^\[trace_headers @ [^]]*\] +\d+ +(\w+)(?:\[\d+\])? +[01]+ = (\d+)$')
packets = None
frame = None


def finish():
    global frame
    if frame is not None and packets is not None:
        if frame.get('show_existing_frame') == 1:
            token = 'E%d' % frame.get('frame_to_show_map_idx', -1)
        else:
            token = '%d%s%s%s' % (frame['frame_type'], 's' if frame['show_frame'] else 'h',
                                  'i' if frame.get('intra_only') else '',
                                  frame.get('refresh_frame_flags', '-'))
        packets[-1].append(token)
    frame = None


for line in sys.stdin:
    line = line.rstrip('\n')
    if 'trace_headers @' not in line:
        continue
    line = line[line.index('[trace_headers @'):]
    if '] Packet: ' in line:
        finish()
        packets = (packets or []) + [[]]
        continue
    m = FIELD.match(line)
    if not m or packets is None:
        continue
    name, value = m.group(1), int(m.group(2))
    if name == 'show_existing_frame':
        finish()
        frame = {name: value}
    elif frame is not None and name in ('frame_to_show_map_idx', 'frame_type', 'show_frame', 'intra_only', 'refresh_frame_flags') and name not in frame:
        frame[name] = value
finish()
print(','.join('/'.join(p) for p in packets or []))
