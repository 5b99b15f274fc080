#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""test_docs.py HVPATH SRCDIR - the docs say true things.

  commands   the README's command list holds every command `hvpath --help`
             lists and no other; every option a README line shows exists in
             that command's --help, and every option of --help is in the README
  help       `hvpath CMD --help` exits 0 for every command and has EXAMPLES
  generated  docs/records.md is `hvpath list --probes --format markdown`, the
             model tables in docs/report.md are `hvpath list --stages --format
             markdown`, the scenario list of `hvpath lab --help` is lab/scenarios
  paths      every repository path README.md and docs/*.md name exists
  layout     the README's layout table names exactly the top-level folders
  spdx       every source file has an SPDX-License-Identifier line
"""
import glob
import os
import re
import subprocess
import sys

hvpath, src = sys.argv[1], sys.argv[2]
failed = passed = 0


def check(ok, what):
    global failed, passed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def run(*args):
    p = subprocess.run([hvpath, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def read(rel):
    with open(os.path.join(src, rel)) as f:
        return f.read()


readme = read("README.md")

# ---- commands ------------------------------------------------------------
rc, top, _ = run("--help")
check(rc == 0, "hvpath --help exits 0")
commands = re.findall(r"^   (\w+) ", top, re.M)
check(len(commands) >= 6, "hvpath --help lists the commands: %s" % commands)
block = re.search(r"## Commands\n+```\n(.*?)```", readme, re.S)
check(block is not None, "README has a ## Commands block")
lines = [l for l in (block.group(1) if block else "").splitlines() if l.startswith("hvpath ")]
readme_cmds = {l.split()[1] for l in lines}
check(readme_cmds == set(commands) | {"help"} or readme_cmds == set(commands),
      "README commands %s == hvpath --help commands %s" % (sorted(readme_cmds), sorted(commands)))


def help_options(text):
    """Long and short options a --help text offers (argp layout)."""
    longs = set(re.findall(r"^\s+(?:-\w, )?--([\w-]+)", text, re.M))
    shorts = set(re.findall(r"^\s+-(\w)[ ,]", text, re.M))
    return longs - {"help", "usage", "version"}, shorts - {"?", "V"}


for cmd in commands:
    rc, out, err = run(cmd, "--help")
    check(rc == 0, "hvpath %s --help exits 0 (%d: %s)" % (cmd, rc, err[:200]))
    check("EXAMPLES:" in out and re.search(r"EXAMPLES:\n  hvpath " + cmd, out),
          "hvpath %s --help has an EXAMPLES section" % cmd)
    longs, shorts = help_options(out)
    mine = [l for l in lines if l.split()[1] == cmd]
    shown_long = set(re.findall(r"--([\w-]+)", " ".join(mine)))
    shown_short = set(re.findall(r"(?<![\w-])-(\w)\b", " ".join(mine)))
    check(shown_long <= longs, "README shows options of %s that --help lacks: %s"
          % (cmd, sorted(shown_long - longs)))
    check(longs <= shown_long, "options of hvpath %s missing from the README: %s"
          % (cmd, sorted(longs - shown_long)))
    check(shown_short <= shorts,
          "README shows short options of %s that --help lacks: %s" % (cmd, sorted(shown_short - shorts)))
rc, _, _ = run("help", "report")
check(rc == 0, "hvpath help report exits 0")

# ---- generated references ------------------------------------------------
rc, md, _ = run("list", "--probes", "--format", "markdown")
check(rc == 0 and md == read("docs/records.md"),
      "docs/records.md is the output of `hvpath list --probes --format markdown` "
      "(regenerate it)")
rc, stages, _ = run("list", "--stages", "--format", "markdown")
check(rc == 0 and stages in read("docs/report.md"),
      "docs/report.md holds the output of `hvpath list --stages --format markdown` "
      "(regenerate that section)")
rc, lab, _ = run("lab", "--help")
m = re.search(r"--scenario=NAME\s+the scenario run in dom0 under xentrace:\s+(.*?)\n\s*(?:\n|-)", lab, re.S)
listed = sorted(x.strip() for x in m.group(1).replace("\n", " ").split(",")) if m else []
present = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(src, "lab/scenarios/*.sh")))
check(listed == present, "hvpath lab --help scenarios %s == lab/scenarios/*.sh %s" % (listed, present))

# ---- paths ---------------------------------------------------------------
tops = ("decoder/", "analyzers/", "lab/", "hv-probes/", "bench/", "tests/", "docs/",
        "scripts/", "guest-probes/", "dashboards/", ".ci/")
docs = ["README.md"] + sorted(os.path.relpath(p, src) for p in glob.glob(os.path.join(src, "docs/*.md")))
for doc in docs:
    text = read(doc)
    named = set(re.findall(r"`([^`\s]+)`", text)) | set(re.findall(r"\]\(([^)#\s]+)", text))
    for p in sorted(named):
        p = p.rstrip(".,:;")
        rel = os.path.normpath(os.path.join(os.path.dirname(doc), p)) if p.endswith(".md") and "/" not in p else p
        if not rel.startswith(tops) or re.search(r"[A-Z]{2,}[^/]*$|<|\$|\{", rel.split("/")[-1]):
            continue
        if "*" in rel:
            check(glob.glob(os.path.join(src, rel)), "%s names %s: no match" % (doc, p))
        else:
            check(os.path.exists(os.path.join(src, rel)), "%s names %s, which does not exist" % (doc, p))

# ---- layout table --------------------------------------------------------
layout = re.search(r"## Layout\n+(.*?)\n\n", readme, re.S)
rows = re.findall(r"^\| `([\w.-]+)/` \|", layout.group(1) if layout else "", re.M)
folders = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d))
                 and not d.startswith(".") and not d.startswith("build") and d != "out")
check(sorted(rows) == folders, "README layout %s == top-level folders %s" % (sorted(rows), folders))

# ---- SPDX ----------------------------------------------------------------
try:
    files = subprocess.run(["git", "-C", src, "ls-files"], capture_output=True, text=True,
                           check=True).stdout.split()
except (OSError, subprocess.CalledProcessError):
    files = []
    for d, dirs, fs in os.walk(src):
        dirs[:] = [x for x in dirs if not x.startswith(("build", ".")) and x != "out"]
        files += [os.path.relpath(os.path.join(d, f), src) for f in fs]
sources = [f for f in files if re.search(r"(\.(c|h|def|sh|py|cmake|proto|js|html|css)|CMakeLists\.txt|\.ci/run)$", f)]
missing = []
for f in sources:
    try:
        with open(os.path.join(src, f), errors="replace") as fh:
            head = "".join(fh.readline() for _ in range(3))
    except FileNotFoundError:
        continue
    if "SPDX-License-Identifier:" not in head:
        missing.append(f)
check(not missing, "files without an SPDX line in their first 3 lines: %s" % missing)
check(os.path.exists(os.path.join(src, "LICENSE")), "LICENSE exists")

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
