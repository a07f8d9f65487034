#!/usr/bin/env bash
# CMB on/off (polled) and the hybrid spin (adaptive, fixed 250 us, fixed 50 us, pure interrupts)
# at QD1 and QD32, 4 KiB random reads, in one VM whose controllers have a 16 MiB CMB. Run from the
# checkout after a build (tools/test or mvn package); results go to $out/results.txt.
# Line format: CONFIG QD RUN IOPS USR_CPU% SYS_CPU% INTERRUPTS COMPLETED
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
out=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
runs=${RUNS:-3} runtime=${RUNTIME:-8} ramp=${RAMP:-8}
cd "$root"
touch examples/target/.nvme4j-built
work=$(mktemp -d /tmp/nvme4j-cmbhy.XXXXXX)
cat > "$work/guest.sh" <<GUEST
set -u
cd "$root"
one() { # name qd options...
  name=\$1 qd=\$2; shift 2
  NVME4J_NO_BUILD=1 ./nvme4j fio --name=n --device=\$NVME4J_PCI --rw=randread --bs=4k --iodepth=\$qd "\$@" \\
      --ramp_time=${ramp}s --runtime=${runtime}s --time_based --output-format=json > "$work/n.json" 2>"$work/n.err" || cat "$work/n.err"
  python3 - "$work/n.json" "\$name" "\$qd" "\$run" >> "$work/results" <<'PY' || echo "\$name \$qd \$run 0 0 0 0 0" >> "$work/results"
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]
qc = j.get("nvme4j", {}).get("queue_counters", {})
print(sys.argv[2], sys.argv[3], sys.argv[4], round(j["read"]["iops"]), round(j["usr_cpu"], 1), round(j["sys_cpu"], 1),
      qc.get("interrupts", 0), qc.get("completed", 0))
PY
}
for run in \$(seq 1 $runs); do
  for qd in 1 32; do
    one poll-cmb-off \$qd --mode=poll --cmb=off
    one poll-cmb-on \$qd --mode=poll --cmb=on
  done
  one irq 1 --mode=irq
  one hybrid-auto 1 --mode=hybrid
  one hybrid-250us 1 --mode=hybrid --hybrid-spin=250us
  one hybrid-50us 1 --mode=hybrid --hybrid-spin=50us
  one hybrid-auto 32 --mode=hybrid
  one irq 32 --mode=irq
  echo "# run \$run done \$(date -u +%H:%M:%SZ), guest load: \$(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/results"
done
GUEST
touch "$work/results"
{
  echo "# cmb-hybrid $(date -u +%Y-%m-%dT%H:%M:%SZ) runs=$runs runtime=$runtime ramp=$ramp commit $(git rev-parse --short HEAD)"
  echo "# tools/vm-run --keep --timeout 2400 --nvme cmb_size_mb=16 -- bash guest.sh"
  echo "# host load before:$(uptime | sed 's/.*load average://')"
} >> "$out/results.txt"
rc=0
tools/vm-run --keep --timeout 2400 --nvme cmb_size_mb=16 -- bash "$work/guest.sh" 2> >(tee "$work/vmerr" >&2) || rc=$?
cat "$work/results" >> "$out/results.txt"
echo "# host load after:$(uptime | sed 's/.*load average://') status $rc" >> "$out/results.txt"
kept=$(sed -n 's/^vm-run: run dir kept: //p' "$work/vmerr" | tail -1)
[[ -n $kept && -d $kept ]] && { cp "$kept/qemu.cmd" "$out/qemu.cmd"; rm -rf "$kept"; }
rm -rf "$work"
exit $rc
