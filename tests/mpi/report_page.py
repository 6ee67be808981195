#!/usr/bin/python3
"""tests/mpi/report_page.py DIR TABLES STEMS: the plots of `econsweep report
--plots DIR` and its page.

Every plot named in STEMS (comma-separated) is there as a PNG (its
signature, more than 1 kB) and an SVG written by gnuplot; DIR holds no
other plot.  DIR/index.html, opened from the file in headless Chromium (the
DOM as rendered), holds the tables named in TABLES (comma-separated), each
with rows, and every plot as an inline SVG that drew paths, in a figure of
its own; it loads nothing over a network."""
import glob
import html.parser
import os
import subprocess
import sys
import tempfile

folder, tables, stems = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
svgs = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(folder, "*.svg")))
pngs = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(folder, "*.png")))
assert svgs == pngs, "SVG and PNG differ: %s" % set(svgs).symmetric_difference(pngs)
for stem in stems:
    assert stem in svgs, "plot %s missing (have %s)" % (stem, svgs)
for stem in svgs:
    png = open(os.path.join(folder, stem + ".png"), "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000, stem
    svg = open(os.path.join(folder, stem + ".svg")).read()
    assert "<svg" in svg and "Produced by GNUPLOT" in svg and "<path" in svg, stem

page = open(os.path.join(folder, "index.html")).read()
for attr in ("src=", "href="):
    for part in page.split(attr)[1:]:
        target = part[1:].split(part[0], 1)[0]
        assert "://" not in target or attr == "href=" and target.startswith("http://www.w3.org"), target


class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.rows, self.figures, self.svg, self.paths = [], {}, [], 0, 0
        self.table = None
        self.in_svg = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("id")
            self.tables.append(self.table)
            self.rows[self.table] = 0
        elif tag == "tr" and self.table:
            self.rows[self.table] += 1
        elif tag == "figure":
            self.figures.append(a.get("id", ""))
        elif tag == "svg":
            self.svg += 1
        elif tag == "path":
            self.paths += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = None


profile = tempfile.mkdtemp()
url = "file://" + os.path.abspath(os.path.join(folder, "index.html"))
r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile, "--dump-dom", url],
                   capture_output=True, text=True, timeout=180)
assert r.returncode == 0 and "</html>" in r.stdout, "chromium: %s" % r.stderr[-500:]
dom = Dom()
dom.feed(r.stdout)
for t in tables:
    assert t in dom.tables, "table %s not in the rendered page (%s)" % (t, dom.tables)
    assert dom.rows[t] > 1, "table %s has no rows" % t
assert dom.svg == len(svgs), "%d inline SVGs for %d plots" % (dom.svg, len(svgs))
assert sorted(dom.figures) == sorted("plot-" + s for s in svgs), dom.figures
assert dom.paths > 10 * len(svgs)
print("%s: %d plots (PNG, SVG), page with tables %s and %d inline SVGs in Chromium" % (
    folder, len(svgs), ",".join(dom.tables), dom.svg))
