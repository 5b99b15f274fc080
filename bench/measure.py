#!/usr/bin/env python3
"""measure.py CMD... - run CMD (stdout to /dev/null) and print one JSON line:
wall/user/sys seconds, peak RSS in KiB (ru_maxrss of the child) and exit code.
Shared by every benchmark under bench/ so the peers are measured alike."""
import json
import os
import subprocess
import sys
import time

t0 = time.monotonic()
with open(os.devnull, "wb") as null:
    proc = subprocess.Popen(sys.argv[1:], stdout=null)
    _, status, ru = os.wait4(proc.pid, 0)
wall = time.monotonic() - t0
print(json.dumps({
    "cmd": sys.argv[1:],
    "wall_s": round(wall, 4),
    "user_s": round(ru.ru_utime, 4),
    "sys_s": round(ru.ru_stime, 4),
    "maxrss_kb": ru.ru_maxrss,
    "exit": os.waitstatus_to_exitcode(status),
}))
