#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""measure.py CMD... - run CMD (output to /dev/null) under GNU time and print
one JSON line: wall/user/sys seconds, peak RSS in KiB and the exit code.
Shared by every benchmark under bench/ so the peers are measured alike.

GNU time (a small C program) forks and execs CMD itself: measuring from
Python's own fork would count the Python child's pages in ru_maxrss."""
import json
import os
import subprocess
import sys
import tempfile

with tempfile.NamedTemporaryFile("r") as out, open(os.devnull, "wb") as null:
    rc = subprocess.call(["/usr/bin/time", "-q", "-o", out.name, "-f", "%e %U %S %M %x"]
                         + sys.argv[1:], stdout=null, stderr=null)
    wall, user, sys_s, rss, code = out.read().split()[-5:]
print(json.dumps({
    "cmd": sys.argv[1:],
    "wall_s": float(wall),
    "user_s": float(user),
    "sys_s": float(sys_s),
    "maxrss_kb": int(rss),
    "exit": int(code),
}))
