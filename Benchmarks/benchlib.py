"""Helpers shared by the benchmark reports (Benchmarks/*/report.py): package versions, the
machine's CPU and memory, run.sh's meta.tsv and runs.tsv, and the rewrite of a report's own
section of BENCHMARKS.md. Each report puts Benchmarks/ on sys.path and imports what it needs from
here."""
import csv
import os
import platform
from importlib import metadata


def version(name):
    """The installed version of a Python package, or "not installed"."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def cpu_model():
    """The CPU's model name from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib():
    """Total memory from /proc/meminfo, as "N.N GiB"."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 ** 2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def read_meta(path):
    """run.sh's meta.tsv: key<TAB>value per line."""
    meta = {}
    with open(path) as handle:
        for line in handle:
            if "\t" in line:
                key, value = line.rstrip("\n").split("\t", 1)
                meta[key] = value
    return meta


def read_runs(path):
    """run.sh's runs.tsv: one dict per timed run (column name → text), in file order."""
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def timing(row):
    """A runs.tsv row's (exit status, wall seconds, peak KB, CPU seconds), from its exit, wall_s,
    peak_kb and cpu_s columns (the ones GNU time fills in run.sh's timed_run)."""
    return int(row["exit"]), float(row["wall_s"]), int(row["peak_kb"]), float(row["cpu_s"])


def replace_section(path, section, begin, end, new_file="# Benchmarks\n"):
    """Puts SECTION (text from BEGIN through END) into the Markdown file at PATH in place of the
    text between the markers BEGIN and END there, leaving the rest of the file as it was (one blank
    line after the section when more follows), or after the file's end when the markers are not
    there yet. A missing file starts as NEW_FILE. Written to PATH.tmp and renamed, so an
    interrupted run never leaves half a file."""
    if not section.endswith("\n"):
        section += "\n"
    text = open(path).read() if os.path.exists(path) else new_file
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        text = head + section + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path + ".tmp", "w") as handle:
        handle.write(text)
    os.replace(path + ".tmp", path)


def markdown_table(header, rows, alignments):
    """A Markdown table: the HEADER cells, the alignment row (ALIGNMENTS: one "---" or "---:" per
    column), then one line per row, with | in a cell escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(alignments) + "|"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(header, rows):
    """The rows under HEADER as plain-text columns, each as wide as its widest cell (for the
    terminal)."""
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]

    def line(cells):
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))

    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])
