#!/usr/bin/env python3
"""The table of tools/compare-kernel: median and spread of the runs of each configuration.

Usage: compare-table.py RESULTS "LOADS" RUNTIME. RESULTS holds lines "CONFIG QDxJOBS RUN IOPS"
(lines starting with # are comments); a run that failed has IOPS 0 and is counted as failed.
"""
import statistics
import sys

LABELS = [
    ("kernel-io_uring", "kernel, fio io_uring (interrupts)"),
    ("kernel-io_uring-hipri", "kernel, fio io_uring --hipri (polled)"),
    ("kernel-io_uring-hipri-fixed", "kernel, io_uring --hipri --fixedbufs --registerfiles"),
    ("kernel-libaio", "kernel, fio libaio"),
    ("kernel-uring_cmd-fixed", "kernel, io_uring_cmd /dev/ng0n1 --fixedbufs --registerfiles"),
    ("kernel-uring_cmd-hipri-fixed", "kernel, io_uring_cmd /dev/ng0n1 --hipri --fixedbufs --registerfiles"),
    ("nvme4j-poll", "nvme4j, --mode=poll"),
    ("nvme4j-irq", "nvme4j, --mode=irq"),
    ("nvme4j-hybrid", "nvme4j, --mode=hybrid"),
]
POLLED = [k for k, _ in LABELS if k.startswith("kernel-") and "hipri" in k]


def main():
    path, loads, runtime = sys.argv[1], sys.argv[2].split(), sys.argv[3]
    runs, failed = {}, []
    for line in open(path):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 4:
            continue
        name, load, run, iops = parts
        try:
            value = float(iops)
        except ValueError:
            value = 0.0
        if value <= 0:
            failed.append("%s %s run %s" % (name, load, run))
            continue
        runs.setdefault(name, {}).setdefault(load, []).append(value)

    def median(name, load):
        v = runs.get(name, {}).get(load)
        return statistics.median(v) if v else 0.0

    print("4 KiB random read, QEMU-emulated NVMe (TCG), %s s per run. IOPS: median (min-max, runs);"
          " x = median over the kernel's io_uring (interrupts) median" % runtime)
    print()
    print("| driver / engine | " + " | ".join("QD%s, %s job%s" % (l.split("x")[0], l.split("x")[1],
                                                               "" if l.endswith("x1") else "s") for l in loads) + " |")
    print("|---|" + "---|" * len(loads))
    for key, label in LABELS:
        if key not in runs:
            continue
        cells = []
        for load in loads:
            v = runs[key].get(load)
            if not v:
                cells.append("failed")
                continue
            m = statistics.median(v)
            base = median("kernel-io_uring", load)
            ratio = " %.2fx" % (m / base) if base > 0 else ""
            cells.append("**%.0f**%s (%.0f-%.0f, %d)" % (m, ratio, min(v), max(v), len(v)))
        print("| %s | %s |" % (label, " | ".join(cells)))
    print()
    for load in loads:
        best = max(POLLED, key=lambda k: median(k, load))
        b, n = median(best, load), median("nvme4j-poll", load)
        if b > 0 and n > 0:
            print("%s: nvme4j poll %.0f / kernel's best polled path (%s) %.0f = %.2fx"
                  % (load, n, dict(LABELS)[best], b, n / b))
    if failed:
        print()
        print("no result (counted as failed): " + ", ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
