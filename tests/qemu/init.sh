# SPDX-License-Identifier: MIT
#
# Body of the guest's /init (busybox sh). tests/qemu/run.sh prepends the
# settings KVER, MODE (test|demo|shell), EMULATE, TEST_NAME, TEST_TIMEOUT.
# Every line the host parses starts with "@@AXON-QEMU ".

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=linux
# For tests that unload and reload the driver.
export AXON_KO=/lib/modules/$KVER/extra/axon.ko AXON_EMULATE=$EMULATE

mark() { echo "@@AXON-QEMU $*"; }
# The firmware leaves escape sequences on the console line: start afresh.
echo

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
ln -sf /proc/self/fd /dev/fd 2>/dev/null
hostname axon-qemu
# A task stuck in the driver is reported (and fails the run) well before
# the host-side timeout.
echo 30 > /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
mark "BOOTED $(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime)"

for m in $(cat /etc/axon-modules); do
	insmod "/lib/modules/$KVER/kernel/$m.ko"
	rc=$?
	[ $rc -eq 0 ] || mark "INSMOD $m rc=$rc"
done
load_axon() {
	insmod "$AXON_KO" emulate="$EMULATE"
	rc=$?
	mark "INSMOD axon rc=$rc emulate=$EMULATE"
	# devtmpfs creates the nodes asynchronously; give them a moment.
	i=0
	while [ $i -lt 20 ] && ! ls /dev/accel/accel* >/dev/null 2>&1; do
		usleep 50000
		i=$((i + 1))
	done
	return $rc
}
load_axon

case "$MODE" in
test)
	cd /opt/axon/kselftest || exit 1
	for t in *; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		[ -z "$TEST_NAME" ] || [ "$t" = "$TEST_NAME" ] || continue
		# A test that unloaded the driver and failed to reload it must
		# not take the following tests with it.
		[ -d /sys/module/axon ] || load_axon
		mark "TEST-BEGIN $t"
		timeout -s KILL "$TEST_TIMEOUT" "./$t" </dev/null 2>&1
		rc=$?
		cd /opt/axon/kselftest
		mark "TEST-END $t rc=$rc"
	done
	;;
demo)
	mark "DEMO-BEGIN"
	sh /usr/lib/axon/demo.sh 2>&1
	mark "DEMO-END rc=$?"
	;;
shell)
	echo "axon guest shell: AXON_KO=$AXON_KO; leave with 'poweroff -f'"
	setsid cttyhack sh -l
	;;
esac

# Unloading must work once every file is closed: a reference leaked by the
# driver shows up here.
if [ -d /sys/module/axon ]; then
	rmmod axon
	mark "RMMOD axon rc=$?"
fi

mark "DMESG-BEGIN"
dmesg
mark "DMESG-END"
mark "DONE"
sync
poweroff -f
echo o > /proc/sysrq-trigger
sleep 10
