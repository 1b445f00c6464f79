#!/bin/sh
# cgroup2-vm.sh: the grader's memory bound on a cgroup v2 machine, which is
# what most current distributions are, from a machine of any kind (this
# workbook's CI machine has cgroup v1). Boots Debian's own kernel in qemu
# (software emulation: no KVM needed) with / of this machine shared read-only
# over 9p, mounts a fresh cgroup v2 hierarchy there (every controller on it),
# and inside grades two reference solutions and the memory-many attack
# (tests/hostile/). Checks that:
#   - the report says "cgroup v2", the solutions score full marks, and no
#     run came near the bound;
#   - the attack is stopped as "memory limit", its peak within the bound;
#   - the grader's unit tests of cgroup.c pass there;
#   - no control group is left behind.
# Needs root (9p passthrough of /); installs qemu-system-x86 and
# busybox-static, downloads the kernel package (grader/deps.sh --vm). Takes
# about two minutes; not part of make check.
#
#   $ sh tests/cgroup2-vm.sh          (or make check-cgroup2)
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

if [ "$(id -u)" -ne 0 ]; then
    echo "cgroup2-vm.sh: needs root (qemu shares / with the VM as root)" >&2
    exit 2
fi
sh grader/deps.sh --vm || exit 2
make -s --no-print-directory build build/tests/unit-kernel || exit 2

root=$(pwd)
tmp=$(mktemp -d /var/tmp/ipc-cgroup2-vm.XXXXXX) || exit 2    # /tmp is the VM's own
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

# Debian's kernel, as its package has it (the generic one: 9p is a module).
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
       sed -n 's/.*Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
if [ -z "$kpkg" ] || ! (cd "$tmp" && apt-get download -q "$kpkg" >/dev/null 2>&1); then
    echo "cgroup2-vm.sh: cannot download Debian's kernel package (${kpkg:-none found})" >&2
    exit 2
fi
dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/k"
kernel=$(ls "$tmp"/k/boot/vmlinuz-*)

# The initramfs: busybox, the modules for 9p over virtio, and an init that
# mounts / of this machine, a fresh cgroup2, tmpfs where the grader writes,
# then runs inside.sh in it.
mkdir -p "$tmp/initrd/bin" "$tmp/initrd/mods" "$tmp/initrd/host" "$tmp/initrd/proc"
cp /bin/busybox "$tmp/initrd/bin/"
for c in sh mount insmod poweroff chroot echo; do ln -s busybox "$tmp/initrd/bin/$c"; done
mods="virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci fscache netfs 9pnet 9pnet_virtio 9p"
for m in $mods; do
    find "$tmp/k/lib/modules" -name "$m.ko" -exec cp {} "$tmp/initrd/mods/" \;
done
cat >"$tmp/initrd/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
left="$mods"
for pass in 1 2 3 4 5; do       # in whatever order their symbols allow
    next=""
    for m in \$left; do insmod /mods/\$m.ko 2>/dev/null || next="\$next \$m"; done
    left=\$next
done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 host /host ||
    { echo "vm: no 9p (modules not loaded:\$left)"; poweroff -f; }
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t cgroup2 none /host/sys/fs/cgroup
mount -t devtmpfs dev /host/dev
mount -t tmpfs tmp /host/tmp
mount -t tmpfs run /host/run
mount -t tmpfs work /host/mnt
chroot /host /bin/sh $tmp/inside.sh
poweroff -f
EOF
chmod +x "$tmp/initrd/init"
(cd "$tmp/initrd" && find . | busybox cpio -o -H newc 2>/dev/null | gzip) >"$tmp/initrd.gz"

# What runs in the VM: every result on a line of its own, "vm: ...".
cat >"$tmp/inside.sh" <<EOF
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/tmp LC_ALL=C
echo "vm: kernel \$(uname -r) controllers \$(cat /sys/fs/cgroup/cgroup.controllers)"
mkdir -p /mnt/w/build
cd "$root" && cp -a bin exercises grader solutions chapters /mnt/w/ &&
    cp -a build/ref /mnt/w/build/ 2>/dev/null
cd /mnt/w || exit
for ex in keys shmget; do
    bin/ipcgrade grade \$ex solutions/\$ex --format json >/tmp/\$ex.json 2>/dev/null
    echo "vm: \$ex \$(jq -c '[.score, .max_score, (.sandbox.memory_bound | split(":")[0]),
                           ([.tests[].runs[]?.total_memory_kib // 0] | max)]' /tmp/\$ex.json)"
done
mkdir -p /tmp/hog
cp solutions/keys/*.c /tmp/hog/
cat "$root/tests/hostile/lib.c" "$root/tests/hostile/memory-many/attack.c" >/tmp/hog/ipckey.c
bin/ipcgrade grade keys /tmp/hog --test prints_key --format json >/tmp/hog.json 2>/dev/null
echo "vm: memory-many \$(jq -c '[.sandbox.memory_mib, (.tests[0].runs[0].limit),
                                 (.tests[0].runs[0].total_memory_kib)]' /tmp/hog.json)"
CK_RUN_SUITE=cgroup "$root/build/tests/unit-kernel" >/tmp/unit.txt 2>&1
echo "vm: unit \$(grep -o '[0-9]*%: Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' /tmp/unit.txt)"
echo "vm: left [\$(find /sys/fs/cgroup -name 'ipcgrade-*' | tr '\n' ' ')]"
EOF

started=$(date +%s)
timeout 1200 qemu-system-x86_64 -m 3072 -smp 2 -accel tcg,thread=multi -nographic \
    -no-reboot -kernel "$kernel" -initrd "$tmp/initrd.gz" \
    -append "console=ttyS0 rdinit=/init quiet panic=-1" \
    -virtfs "local,path=/,mount_tag=host,security_model=passthrough,readonly=on" \
    </dev/null >"$tmp/console.log" 2>&1
rc=$?
tr -d '\r' <"$tmp/console.log" | sed -n 's/^vm: //p' >"$tmp/vm.txt"
echo "# the VM ran for $(( $(date +%s) - started )) s (qemu exit $rc); it said:"
sed 's/^/#   /' "$tmp/vm.txt"

vm() { sed -n "s/^$1 //p" "$tmp/vm.txt" | head -n 1; }
check "the VM's kernel has the memory controller on cgroup v2" \
    sh -c "echo '$(vm kernel)' | grep -qw memory"
for ex in keys shmget; do
    r=$(vm "$ex")
    check "$ex: full marks under cgroup v2, no run near the bound ($r)" \
        sh -c "echo '$r' | jq -e '.[0] == .[1] and .[1] > 0 and .[2] == \"cgroup v2\" and
                                  .[3] < 512 * 1024' >/dev/null"
done
r=$(vm memory-many)
# The kernel charges in batches of pages per CPU: memory.peak may pass
# memory.max by a few of them (2.2 MiB seen with 2 CPUs).
check "memory-many: stopped as a memory limit, its peak within the bound ($r)" \
    sh -c "echo '$r' | jq -e '.[1] == \"memory\" and .[2] <= (.[0] + 8) * 1024' >/dev/null"
r=$(vm unit)
check "cgroup.c's unit tests pass on cgroup v2 ($r)" \
    sh -c "echo '$r' | grep -q '^100%: Checks: [1-9][0-9]*, Failures: 0, Errors: 0'"
check "no control group is left in the VM ($(vm left))" [ "$(vm left)" = "[]" ]
summary
