"""Helpers shared by the benchmark reports (Benchmarks/*/report.py): package versions, the
machine's CPU and memory, and run.sh's meta.tsv. Each report puts Benchmarks/ on sys.path and
imports what it needs from here."""
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
