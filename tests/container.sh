#!/bin/sh
# container.sh: the grader where classes grade, in a real container. The
# Gradescope zip is installed in an image made from a debootstrap root of
# this machine's Debian (no registry is needed) and run there as Gradescope,
# PrairieLearn and Autolab run autograders: Debian's docker.io, its default
# security profile (no CAP_SYS_ADMIN, its seccomp filter: no namespaces),
# --network none and a memory limit. There the grader must choose container
# mode by itself (grader/README.md, "Container mode") and:
#   - score every reference solution full marks, with no test errored, as
#     root (with each run's memory bounded by its watchdog: no control
#     group can be made there) and as a normal user (the workbook then
#     belongs to that user);
#   - score every skeleton less;
#   - pass tests/grader.sh for two exercises inside the container (solutions,
#     skeletons, every faulty variant failing what its `expect` names, the
#     output formats);
#   - keep hostile submissions contained (tests/hostile/run.sh inside it:
#     fork bomb, daemon, kill(-1), reading the solutions, filling the disk);
#   - leave nothing behind: no container, image or daemon on this machine.
# It starts a Docker daemon of its own (its own socket and folders, no
# bridge, no iptables) and stops it at the end.
#
#   $ sh tests/container.sh            (make check runs it, as root)
#   $ ROOTFS=DIR sh tests/container.sh  reuse a debootstrap root made before
set -u
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh

if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: a Docker daemon needs root (make check as root runs this)"
    summary
    exit 0
fi
for tool in dockerd docker debootstrap zip unzip jq; do
    if ! command -v $tool >/dev/null 2>&1; then
        not_ok "$tool is installed (sh grader/deps.sh --check installs it)"
        summary
        exit 1
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/container.XXXXXX")
chmod 711 "$work"
sock=$work/docker.sock
docker=$(command -v /usr/bin/docker || command -v docker)     # Debian's client, if there
D="$docker -H unix://$sock"
dockerd_pid=""
finish() {
    if [ -n "$dockerd_pid" ]; then
        $D ps -aq 2>/dev/null | xargs -r $D rm -f >/dev/null 2>&1
        $D images -q 2>/dev/null | sort -u | xargs -r $D rmi -f >/dev/null 2>&1
        kill "$dockerd_pid" 2>/dev/null
        wait "$dockerd_pid" 2>/dev/null
    fi
    # The daemon unmounts its layers as it stops; whatever it left mounted
    # under our folder goes before the folder does.
    grep -o " $work/[^ ]*" /proc/self/mounts | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null
    done
    rm -rf "$work"
}
trap finish EXIT
trap 'exit 1' INT TERM HUP

# ---- the image: this machine's Debian, the workbook's packages ----
t0=$(date +%s)
if [ -n "${ROOTFS:-}" ]; then
    rootfs=$ROOTFS
else
    rootfs=$work/rootfs
    suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
    mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p; s/^deb  *\(\[[^]]*\] *\)\{0,1\}\(http[^ ]*\) .*/\2/p' \
             /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
             grep -v security | head -n 1)
    packages=$(sh grader/deps.sh --list | tr ' ' ,)
    if ! debootstrap --variant=minbase --include="$packages,procps" "$suite" "$rootfs" \
            "${mirror:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1; then
        not_ok "debootstrap made a $suite root with the workbook's packages" \
               "$(tail -n 20 "$work/debootstrap.log")"
        summary
        exit 1
    fi
fi
ok "a $(. /etc/os-release && echo "$VERSION_CODENAME") root with the workbook's packages ($(( $(date +%s) - t0 )) s)"

# Its temporary files go in our folder too: containerd, slow to stop under
# load, leaves a containerd.PID.stacks.log in TMPDIR.
mkdir -p "$work/tmp"
TMPDIR=$work/tmp dockerd --data-root "$work/data" --exec-root "$work/exec" \
        --pidfile "$work/dockerd.pid" \
        -H "unix://$sock" --bridge=none --iptables=false --ip-masq=false \
        >"$work/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 60); do
    $D version >/dev/null 2>&1 && break
    sleep 1
done
if ! $D version >/dev/null 2>&1; then
    not_ok "a Docker daemon of our own starts" "$(tail -n 20 "$work/dockerd.log")"
    summary
    exit 1
fi
ok "a Docker daemon of our own runs ($($D version --format '{{.Server.Version}}'))"

tar -C "$rootfs" -c . | $D import - ipcgrade-check:base >/dev/null
check "the root is imported as an image" sh -c "$D image inspect ipcgrade-check:base >/dev/null"

# ---- the Gradescope zip, installed as Gradescope does ----
sh grader/dist/gradescope.sh >/dev/null
mkdir "$work/stage"
(cd "$work/stage" && unzip -q "$OLDPWD/dist/gradescope-all.zip")
$D run --name ipcgrade-setup --network none -v "$work/stage:/stage:ro" ipcgrade-check:base \
    sh -c 'mkdir -p /autograder/source /autograder/results &&
           cp -r /stage/. /autograder/source &&
           cp /autograder/source/run_autograder /autograder/ &&
           cd /autograder/source && ./setup.sh' >"$work/setup.log" 2>&1
rc=$?
$D commit ipcgrade-setup ipcgrade-check:grader >/dev/null 2>&1
$D rm ipcgrade-setup >/dev/null 2>&1
if [ $rc -eq 0 ]; then
    ok "setup.sh builds the grader in the image (no network)"
else
    not_ok "setup.sh builds the grader in the image (no network)" "$(tail -n 20 "$work/setup.log")"
fi
# A normal user's image: the same, with /autograder theirs.
$D run --name ipcgrade-user --network none ipcgrade-check:grader \
    chown -R 1000:1000 /autograder >/dev/null 2>&1
$D commit ipcgrade-user ipcgrade-check:user >/dev/null 2>&1
$D rm ipcgrade-user >/dev/null 2>&1

exercises=$(bin/ipcgrade list | cut -f1)
n_ex=$(echo "$exercises" | wc -l)

# autograde LABEL IMAGE FROM [docker run options]: a submission of every
# exercise, FROM/EX for each, graded by run_autograder as Gradescope runs it;
# results.json into $work/LABEL.json, the exit status into $rc.
autograde() {
    _label=$1 _image=$2 _from=$3
    shift 3
    rm -rf "$work/sub" "$work/res"
    mkdir -p "$work/sub" "$work/res"
    for ex in $exercises; do
        cp -r "$_from/$ex" "$work/sub/$ex"
    done
    chmod -R a+rwX "$work/sub" "$work/res"
    _t0=$(date +%s)
    $D run --rm --network none --memory 3g "$@" \
        -v "$work/sub:/autograder/submission:ro" -v "$work/res:/autograder/results" \
        "$_image" /autograder/run_autograder >"$work/$_label.log" 2>&1
    rc=$?
    seconds=$(( $(date +%s) - _t0 ))
    cp "$work/res/results.json" "$work/$_label.json" 2>/dev/null || echo '{}' >"$work/$_label.json"
}

autograde root ipcgrade-check:grader solutions
# No control group can be made in there: each run's memory is bounded by its
# watchdog (tests/grader.sh's solutions under the watchdog leave container
# mode to this).
if [ $rc -eq 0 ] && jq -e '.score == .max_score and .max_score > 0 and .extra_data.errors == 0
                           and .extra_data.sandbox.mode == "container"
                           and (.extra_data.sandbox.memory_bound | startswith("watchdog: "))' \
                        "$work/root.json" >/dev/null; then
    ok "as root in the container: every reference solution scores full marks in container mode, under the memory watchdog ($(jq .score "$work/root.json") points, $n_ex exercises, $seconds s)"
else
    not_ok "as root in the container: every reference solution scores full marks in container mode, under the memory watchdog" \
           "$(cat "$work/root.log"; jq -c '{score, max_score, output, extra_data,
               bad: [.tests[]? | select(.status != "passed") | .name]}' "$work/root.json")"
fi

autograde user ipcgrade-check:user solutions --user 1000:1000
if [ $rc -eq 0 ] && jq -e '.score == .max_score and .max_score > 0 and .extra_data.errors == 0' \
        "$work/user.json" >/dev/null; then
    ok "as a normal user in the container: every reference solution scores full marks ($seconds s)"
else
    not_ok "as a normal user in the container: every reference solution scores full marks" \
           "$(cat "$work/user.log"; jq -c '{score, max_score, output, extra_data,
               bad: [.tests[]? | select(.status != "passed") | .name]}' "$work/user.json")"
fi

autograde skeletons ipcgrade-check:grader exercises
jq_true "in the container: the skeletons score less, and every failure says why" \
    "$work/skeletons.json" '.score < .max_score and .extra_data.errors == 0 and
        ([.tests[] | select(.status == "failed" and (.output | length) < 20)] | length == 0)'

# ---- the full sandbox forced where the container refuses it: a grader fault ----
autograde forced ipcgrade-check:grader solutions -e IPCGRADE_SANDBOX=full
if [ $rc -eq 1 ] && jq -e '.score == 0 and .max_score == 0 and .extra_data.errors > 0 and
        (.output | test("could not run some tests")) and
        all(.tests[]; .max_score == 0 and (.output | test("Hint:") | not))' \
        "$work/forced.json" >/dev/null; then
    ok "IPCGRADE_SANDBOX=full in the container: every test errs, costs no points, blames no code; run_autograder says so and exits 1"
else
    not_ok "IPCGRADE_SANDBOX=full in the container: every test errs, costs no points, blames no code" \
           "rc=$rc $(jq -c '{score, max_score, output, extra_data: .extra_data.errors,
               first: .tests[0]}' "$work/forced.json" | head -c 1500)"
fi
$D run --rm --network none -e IPCGRADE_SANDBOX=full ipcgrade-check:grader \
    /autograder/source/workbook/bin/ipcgrade grade keys /autograder/source/workbook/solutions/keys \
    >"$work/forced.txt" 2>&1
rc=$?
if [ $rc -eq 3 ] && grep -q 'could not be graded here' "$work/forced.txt"; then
    ok "... and ipcgrade grade exits 3"
else
    not_ok "... and ipcgrade grade exits 3" "rc=$rc $(tail -n 5 "$work/forced.txt")"
fi

# ---- the end-to-end and hostile suites, inside the container ----
inside() {
    $D run --rm --network none --memory 3g ipcgrade-check:grader \
        sh -c "cd /autograder/source/workbook && $1" >"$work/inside.log" 2>&1
}
if inside 'IPCGRADE_EXERCISES="shmget semaphores" sh tests/grader.sh'; then
    ok "in the container: tests/grader.sh for shmget and semaphores ($(tail -n 1 "$work/inside.log"))"
else
    not_ok "in the container: tests/grader.sh for shmget and semaphores" \
           "$(grep -v '^ok' "$work/inside.log" | tail -n 30)"
fi
# As root and as a normal user (nobody). Of the other attacks, proc-walk and
# tmpfs-shm-filler expect walls only the full mode has (a /proc and a /tmp per
# run, the namespace's shmall): grader/README.md, "Container mode".
if inside 'sh tests/hostile/run.sh fork-bomb daemon kill-all read-secrets fill-disk memory-hog'; then
    ok "in the container: hostile submissions stay contained ($(tail -n 1 "$work/inside.log"))"
else
    not_ok "in the container: hostile submissions stay contained" \
           "$(grep -v '^ok' "$work/inside.log" | tail -n 30)"
fi

# ---- the image of grader/dist/Containerfile, as a PrairieLearn grader ----
$D build --network none -q -f grader/dist/Containerfile --build-arg BASE=ipcgrade-check:base \
    -t ipcgrade-check:image . >"$work/build.log" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
    ok "grader/dist/Containerfile builds (on the debootstrap image, no network)"
else
    not_ok "grader/dist/Containerfile builds" "$(tail -n 20 "$work/build.log")"
fi
$D run --rm --network none ipcgrade-check:image >"$work/doctor.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^sandbox:   container mode' "$work/doctor.log" &&
        grep -q '^verdict:   this machine can grade' "$work/doctor.log"; then
    ok "the image's default command, ipcgrade doctor, finds container mode and grades"
else
    not_ok "the image's default command, ipcgrade doctor, finds container mode and grades" \
           "$(cat "$work/doctor.log")"
fi
# pl_grade LABEL FROM: FROM's shmget files as /grade/student, graded by the
# example question's entrypoint; results.json into $work/pl-LABEL.json.
pl_grade() {
    rm -rf "$work/grade"
    mkdir -p "$work/grade/student" "$work/grade/results"
    cp "$2"/shmget/*.c "$work/grade/student/"
    chmod -R a+rwX "$work/grade"
    entry=$(jq -r .externalGradingOptions.entrypoint \
             grader/dist/prairielearn/questions/shmget/info.json)
    $D run --rm --network none --memory 3g -v "$work/grade:/grade" --entrypoint sh \
        ipcgrade-check:image -c "$entry" >"$work/pl.log" 2>&1
    cp "$work/grade/results/results.json" "$work/pl-$1.json" 2>/dev/null ||
        echo '{}' >"$work/pl-$1.json"
}
pl_grade solution solutions
jq_true "PrairieLearn: the example question's entrypoint gives the solution score 1" \
    "$work/pl-solution.json" '.gradable == true and .score == 1 and (.tests | length) > 5'
pl_grade skeleton exercises
jq_true "PrairieLearn: the skeleton is gradable and scores less" \
    "$work/pl-skeleton.json" '.gradable == true and .score < 1'

check "no container is left" test -z "$($D ps -aq)"
summary
