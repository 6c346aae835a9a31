#!/usr/bin/env bash
# Build Berth's tiny test guest from Debian packages only: Debian's signed kernel, an initramfs
# of busybox-static + tests/guest/init + the kernel modules and ALSA tools it needs, and four boot
# media (gen1.img, gen2.img, guest.iso, plus vmlinuz + initrd.img for direct kernel boot).
#
#   build-guest.sh OUTDIR
#
# Everything is cached under OUTDIR/.cache/<key>, the key being the sha256 of this script, the
# init, the files under rootfs/ and the versions of every Debian package used; downloaded .debs
# stay in OUTDIR/.cache/debs. A second run with nothing changed only links the outputs again.
# Nothing is installed on the host, no loop device or mount is used.
set -euo pipefail

die() {
    echo "build-guest: $*" >&2
    exit 1
}
say() { echo "build-guest: $*" >&2; }

[ $# -eq 1 ] || die "usage: build-guest.sh OUTDIR"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
cache=$out/.cache
debs=$cache/debs
mkdir -p "$debs"
# One build at a time per OUTDIR (parallel meson builds, a human and a test...).
exec 9>"$cache/lock"
flock 9

# The kernel command line of every boot form; quiet so the serial port carries the protocol.
# fbcon's built-in Terminus 16x32 font makes the `screen` text big on the framebuffer console.
cmdline="console=tty0 console=ttyS0,115200 quiet loglevel=3 fbcon=font:TER16x32 consoleblank=0 panic=-1"

# Files whose content goes into the guest.
inputs=("$here/build-guest.sh" "$here/init")
while IFS= read -r f; do inputs+=("$f"); done < <(find "$here/rootfs" "$here/desktop" -type f | LC_ALL=C sort)

# Debian packages used from the host (installed) and downloaded as .debs.
host_pkgs=(busybox-static libc6 syslinux syslinux-common isolinux grub-efi-amd64-signed shim-signed
    dosfstools mtools xorriso fdisk zstd
    # the desktop variant: Xorg, Debian's SPICE agent, X tools (copied with their libraries)
    xserver-xorg-core xserver-xorg-input-evdev spice-vdagent x11-xserver-utils x11-xkb-utils xkb-data
    xclip)
host_versions=$(dpkg-query -W -f='${Package}=${Version} ${Status}\n' "${host_pkgs[@]}" 2>/dev/null || true)
for p in "${host_pkgs[@]}"; do
    grep -q "^$p=.* install ok installed$" <<<"$host_versions" ||
        die "the Debian package $p is needed on the host (apt-get install $p)"
done
host_versions=$(sed 's/ .*//' <<<"$host_versions")
for t in flock dpkg-deb apt-cache apt-get sfdisk mkfs.vfat mcopy mmd syslinux xorriso cpio zstd sha256sum; do
    command -v "$t" >/dev/null || die "$t not found"
done

# The candidate versions of the .debs. Asking apt costs ~1 s, so the answer is remembered for as
# long as apt's package lists and dpkg's database stay the same.
apt_state=$(stat -c '%n %s %Y' /var/lib/apt/lists/*Packages* /var/lib/dpkg/status 2>/dev/null |
    sha256sum | cut -c1-16)
vfile=$cache/apt-versions-$apt_state
resolve_versions() { # writes PKG=VERSION lines for the .debs to $vfile.tmp; fails if incomplete
    # linux-image-amd64 depends on exactly one versioned kernel: Debian's signed kernel.
    apt-cache show --no-all-versions linux-image-amd64 alsa-utils libasound2 libasound2-data \
        iperf3 libiperf0 2>/dev/null |
        awk '/^Package: / { p = $2 } /^Version: / { print p "=" $2 }
             /^Depends: / && p == "linux-image-amd64" {
                 if (match($0, /linux-image-[0-9][^ ,]*-amd64 \(= [^)]*\)/)) {
                     d = substr($0, RSTART, RLENGTH); gsub(/[()=]/, "", d); split(d, a, " ")
                     print "kernel=" a[1] "=" a[2]
                 }
             }' >"$vfile.tmp"
    local p
    for p in linux-image-amd64 alsa-utils libasound2 libasound2-data iperf3 libiperf0 kernel; do
        grep -q "^$p=" "$vfile.tmp" || return 1
    done
}
if [ ! -s "$vfile" ] || ! grep -q "^iperf3=" "$vfile"; then
    rm -f "$cache"/apt-versions-*
    if ! resolve_versions; then
        # Containers often ship without apt's package lists.
        [ "$(id -u)" = 0 ] || die "apt knows no candidate for the kernel or ALSA packages (run apt-get update)"
        say "apt has no candidates for the kernel or ALSA packages: running apt-get update"
        apt-get update -q >&2 || die "apt-get update failed"
        apt_state=$(stat -c '%n %s %Y' /var/lib/apt/lists/*Packages* /var/lib/dpkg/status 2>/dev/null |
            sha256sum | cut -c1-16)
        vfile=$cache/apt-versions-$apt_state
        resolve_versions || die "apt knows no candidate for the kernel or ALSA packages"
    fi
    mv "$vfile.tmp" "$vfile"
fi
kernel_pkg=$(sed -n 's/^kernel=\([^=]*\)=.*/\1/p' "$vfile")
declare -A deb_version
deb_version[$kernel_pkg]=$(sed -n 's/^kernel=[^=]*=//p' "$vfile")
for p in alsa-utils libasound2 libasound2-data iperf3 libiperf0; do
    deb_version[$p]=$(sed -n "s/^$p=//p" "$vfile")
done
versions=$(echo "$host_versions"; cat "$vfile")

key=$( (
    for f in "${inputs[@]}"; do
        echo "${f#"$here"/} $(sha256sum <"$f" | cut -d' ' -f1)"
    done
    echo "$versions"
) | sha256sum | cut -c1-16)
dest=$cache/$key
outputs=(vmlinuz initrd.img gen1.img gen2.img guest.iso cmdline desktop-initrd.img gen1-desktop.img)

publish() {
    # Kernel, initrd and ISO are read-only media: hard links. The disk images are copied so a
    # test that writes to them never changes the cache.
    local f
    for f in "${outputs[@]}"; do
        case $f in
        *.img)
            cmp -s "$dest/$f" "$out/$f" ||
                { rm -f "$out/$f" && cp --sparse=always "$dest/$f" "$out/$f"; }
            ;;
        *) ln -f "$dest/$f" "$out/$f" 2>/dev/null || cp -f "$dest/$f" "$out/$f" ;;
        esac
    done
}

if [ -f "$dest/complete" ]; then
    publish
    say "up to date ($key)"
    exit 0
fi

say "building the test guest ($key) from: $(echo "$versions" | tr '\n' ' ')"
work=$dest.tmp
rm -rf "$work" "$dest"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

# --- Download the .debs (kept across keys) ---------------------------------------------------
deb_file() { # PKG VERSION -> path of the cached .deb, downloading it if needed
    local p=$1 v=$2 f
    for f in "$debs/${p}_"*.deb; do
        [ -f "$f" ] && [ "$(dpkg-deb -f "$f" Version)" = "$v" ] && {
            echo "$f"
            return
        }
    done
    say "downloading $p=$v"
    if ! (cd "$debs" && apt-get download -q "$p=$v" >&2 2>"$work/apt.err"); then
        if [ "$(id -u)" = 0 ] && grep -q -i -E 'unable to locate|no packages found|404' "$work/apt.err"; then
            apt-get update -q >&2
            (cd "$debs" && apt-get download -q "$p=$v" >&2) || die "cannot download $p=$v"
        else
            cat "$work/apt.err" >&2
            die "cannot download $p=$v"
        fi
    fi
    for f in "$debs/${p}_"*.deb; do
        [ -f "$f" ] && [ "$(dpkg-deb -f "$f" Version)" = "$v" ] && {
            echo "$f"
            return
        }
    done
    die "downloaded $p=$v but cannot find its .deb"
}
kdeb=$(deb_file "$kernel_pkg" "${deb_version[$kernel_pkg]}")
adeb=$(deb_file alsa-utils "${deb_version[alsa-utils]}")
ldeb=$(deb_file libasound2 "${deb_version[libasound2]}")
ddeb=$(deb_file libasound2-data "${deb_version[libasound2-data]}")
ideb=$(deb_file iperf3 "${deb_version[iperf3]}")       # vswitch benchmark
ipdeb=$(deb_file libiperf0 "${deb_version[libiperf0]}") # vswitch benchmark
# Old downloads of other versions are of no further use.
for f in "$debs"/*.deb; do
    case $f in "$kdeb" | "$adeb" | "$ldeb" | "$ddeb" | "$ideb" | "$ipdeb") ;; *) rm -f "$f" ;; esac
done

# --- Kernel and modules -----------------------------------------------------------------------
kx=$work/kernel
mkdir -p "$kx"
dpkg-deb --fsys-tarfile "$kdeb" >"$work/kernel.tar"
# The listing tells where each module is; modules.builtin which ones need no file.
tar -tf "$work/kernel.tar" >"$work/kernel.list"
kver=$(sed -n 's|^\./boot/vmlinuz-||p' "$work/kernel.list" | head -n1)
[ -n "$kver" ] || die "no vmlinuz in $kdeb"
tar -xf "$work/kernel.tar" -C "$kx" "./boot/vmlinuz-$kver" "./lib/modules/$kver/modules.builtin" \
    "./lib/modules/$kver/modules.order"
mdir=lib/modules/$kver

# The drivers the guest needs, in load order; their dependencies are added below. Names use '_'
# for '-'. The HDA codec driver comes before the controller: the controller probes its codecs
# asynchronously and would otherwise race our insmod of the codec driver and fail the card.
wanted=(
    virtio_pci virtio_net virtio_scsi virtio_blk virtio_console virtio_balloon virtio_input
    e1000 tulip 8139too
    snd_hda_codec_generic snd_hda_intel
    xhci_pci xhci_hcd ehci_pci uhci_hcd usb_storage uas usbhid hid_generic
    ata_piix ata_generic ahci sd_mod sr_mod cdrom isofs
    button evdev efivarfs
    bochs qxl virtio_gpu
)
# Modules only the desktop variant loads (its `desktop` command): spice-vdagentd's mouse.
desktop_modules=(uinput)
# efifb and vesafb are built in (bool options, so not in modules.builtin); simpledrm is not
# configured in Debian's 6.1.
norm() { tr - _; }
sed -n "s|^\./$mdir/\(.*\.ko\(\.xz\)\?\)$|\1|p" "$work/kernel.list" |
    awk '{ n = $0; sub(/.*\//, "", n); sub(/\.ko(\.xz)?$/, "", n); gsub(/-/, "_", n); print n, $0 }' \
        >"$work/modpaths"
sed 's|.*/||; s|\.ko$||' "$kx/$mdir/modules.builtin" | norm >"$work/builtin"

# Close the set over the modules' `depends=` (read from each extracted .ko's .modinfo), one tar
# pass per level of the dependency tree.
declare -A have=()
todo=("${wanted[@]}" "${desktop_modules[@]}")
while [ ${#todo[@]} -gt 0 ]; do
    paths=()
    for m in "${todo[@]}"; do
        [ -n "${have[$m]:-}" ] && continue
        p=$(awk -v m="$m" '$1 == m { print $2; exit }' "$work/modpaths")
        if [ -z "$p" ]; then
            grep -qx "$m" "$work/builtin" || say "note: module $m is neither modular nor built in"
            have[$m]=builtin
            continue
        fi
        have[$m]=$p
        paths+=("./$mdir/$p")
    done
    [ ${#paths[@]} -gt 0 ] || break
    tar -xf "$work/kernel.tar" -C "$kx" "${paths[@]}"
    todo=()
    for p in "${paths[@]}"; do
        f=$kx/$p
        case $f in *.xz)
            xz -d "$f"
            f=${f%.xz}
            ;;
        esac
        deps=$(tr '\0' '\n' <"$f" | sed -n 's/^depends=//p' | head -n1 | tr , ' ' | norm)
        for d in $deps; do todo+=("$d"); done
    done
done
rm -f "$work/kernel.tar"
find "$kx/$mdir" -name '*.ko.xz' -delete # already decompressed beside

# modules.dep for the subset (busybox depmod), then a load order: dependencies first.
busybox depmod -b "$kx" "$kver"
: >"$work/order"
for m in "${wanted[@]}"; do
    p=${have[$m]}
    [ "$p" = builtin ] && continue
    p=${p%.xz}
    line=$(awk -v p="$p:" '$1 == p { print; exit }' "$kx/$mdir/modules.dep")
    [ -n "$line" ] || die "$p missing from modules.dep"
    # modules.dep lists the full closure, the last one to be loaded first.
    for d in $(echo "${line#*:}" | tr ' ' '\n' | tac) "$p"; do
        grep -qxF "$d" "$work/order" || echo "$d" >>"$work/order"
    done
done

# --- The initramfs ------------------------------------------------------------------------------
r=$work/root
mkdir -p "$r"/{usr/bin,usr/sbin,usr/lib/x86_64-linux-gnu,usr/lib64,usr/share,proc,sys,dev,tmp,run,etc,root}
ln -s usr/bin "$r/bin"
ln -s usr/sbin "$r/sbin"
ln -s usr/lib "$r/lib"
ln -s usr/lib64 "$r/lib64"
cp /bin/busybox "$r/usr/bin/busybox"
busybox --list-full | while read -r a; do
    a=${a#usr/}
    [ -e "$r/usr/$a" ] || ln -s /usr/bin/busybox "$r/usr/$a"
done
install -m 0755 "$here/init" "$r/init"
cp -a "$here/rootfs/." "$r/"
mkdir -p "$r/usr/lib/modules/$kver"
cp -a "$kx/$mdir/kernel" "$kx/$mdir"/modules.{dep,alias,symbols,builtin} "$r/usr/lib/modules/$kver/"
cp "$work/order" "$r/usr/lib/modules/$kver/berth-load-order"
for m in "${desktop_modules[@]}"; do # in the desktop overlay only
    [ "${have[$m]}" = builtin ] || rm -f "$r/usr/lib/modules/$kver/${have[$m]%.xz}"
done

# ALSA: aplay/arecord/speaker-test/amixer, libasound and its configuration, with their libraries.
ax=$work/alsa
mkdir -p "$ax"
dpkg-deb --fsys-tarfile "$adeb" | tar -x -C "$ax" ./usr/bin/aplay ./usr/bin/arecord ./usr/bin/speaker-test \
    ./usr/bin/amixer
dpkg-deb --fsys-tarfile "$ldeb" | tar -x -C "$ax" --wildcards './usr/lib/x86_64-linux-gnu/libasound.so.2*'
dpkg-deb --fsys-tarfile "$ddeb" | tar -x -C "$ax" ./usr/share/alsa
cp -a "$ax/usr/bin/." "$r/usr/bin/"
cp -a "$ax/usr/share/alsa" "$r/usr/share/"
cp -a "$ax/usr/lib/x86_64-linux-gnu/." "$r/usr/lib/x86_64-linux-gnu/"
for b in aplay speaker-test amixer; do
    LD_LIBRARY_PATH=$ax/usr/lib/x86_64-linux-gnu ldd "$ax/usr/bin/$b" |
        sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'
done | sort -u | while read -r lib; do
    case $lib in
    "$ax"/*) ;; # libasound, copied above
    */ld-linux-x86-64.so.2) cp -L "$lib" "$r/usr/lib64/ld-linux-x86-64.so.2" ;;
    *) cp -L "$lib" "$r/usr/lib/x86_64-linux-gnu/" ;;
    esac
done
# --- iperf3 (bench/switch-throughput: `run iperf3 -s -D`, `run iperf3 -c ADDR`) -------------------
# Debian's iperf3 and libiperf0; their other libraries (libssl3, libsctp1) come from the host, as
# for ALSA above.
ix=$work/iperf3
mkdir -p "$ix"
dpkg-deb --fsys-tarfile "$ideb" | tar -x -C "$ix" ./usr/bin/iperf3
dpkg-deb --fsys-tarfile "$ipdeb" | tar -x -C "$ix" --wildcards './usr/lib/x86_64-linux-gnu/libiperf.so.0*'
cp -a "$ix/usr/bin/iperf3" "$r/usr/bin/"
cp -a "$ix/usr/lib/x86_64-linux-gnu/." "$r/usr/lib/x86_64-linux-gnu/"
LD_LIBRARY_PATH=$ix/usr/lib/x86_64-linux-gnu ldd "$ix/usr/bin/iperf3" |
    sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' | while read -r lib; do
    case $lib in
    "$ix"/*) ;;
    *) [ -e "$r/usr/lib/x86_64-linux-gnu/${lib##*/}" ] || cp -L "$lib" "$r/usr/lib/x86_64-linux-gnu/" ;;
    esac
done
# --- end iperf3

echo "$kver" >"$r/etc/berth-kernel"

(cd "$r" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) |
    zstd -q -19 -T0 >"$work/initrd.img"
cp "$kx/boot/vmlinuz-$kver" "$work/vmlinuz"
echo "$cmdline" >"$work/cmdline"

# --- The desktop overlay: Xorg + Debian's SPICE agent (desktop-initrd.img, gen1-desktop.img) ---
# A second cpio archive appended to initrd.img (the kernel unpacks concatenated archives in
# order), so the base guest stays as small and fast as it is. The programs come from the host's
# Debian packages (host_pkgs above), with their shared-library closure.
d=$work/desktop
mkdir -p "$d"/{usr/bin,usr/sbin,usr/lib/x86_64-linux-gnu,usr/lib64,usr/lib/xorg/modules/drivers} \
    "$d"/{usr/lib/xorg/modules/input,usr/share/X11,etc/X11,var/lib/xkb,usr/share/berth}
desktop_bins=(/usr/bin/spice-vdagent /usr/bin/xrandr /usr/bin/xsetroot /usr/bin/xclip /usr/bin/xkbcomp)
desktop_sbins=(/usr/sbin/spice-vdagentd)
xmods=/usr/lib/xorg/modules
desktop_objs=(/usr/lib/xorg/Xorg "$xmods/drivers/modesetting_drv.so" "$xmods/input/evdev_drv.so"
    "$xmods/libshadow.so" "$xmods/libshadowfb.so" "${desktop_bins[@]}" "${desktop_sbins[@]}")
for f in "${desktop_objs[@]}"; do
    [ -e "$f" ] || die "$f is missing (its Debian package is listed above)"
done
cp -a /usr/lib/xorg/Xorg "$d/usr/lib/xorg/"
cp -a "$xmods/drivers/modesetting_drv.so" "$d/usr/lib/xorg/modules/drivers/"
cp -a "$xmods/input/evdev_drv.so" "$d/usr/lib/xorg/modules/input/"
cp -a "$xmods/libshadow.so" "$xmods/libshadowfb.so" "$d/usr/lib/xorg/modules/"
cp -a "${desktop_bins[@]}" "$d/usr/bin/"
cp -a "${desktop_sbins[@]}" "$d/usr/sbin/"
cp -a /usr/share/X11/xkb "$d/usr/share/X11/"
cp "$here/desktop/xorg.conf" "$d/etc/X11/xorg.conf"
cp "$here/desktop/clip.png" "$d/usr/share/berth/clip.png"
for m in "${desktop_modules[@]}"; do
    [ "${have[$m]}" = builtin ] && continue
    mkdir -p "$d/usr/lib/modules/$kver/$(dirname "${have[$m]}")"
    cp "$kx/$mdir/${have[$m]%.xz}" "$d/usr/lib/modules/$kver/${have[$m]%.xz}"
    echo "${have[$m]%.xz}" >>"$d/usr/lib/modules/$kver/berth-desktop-modules"
done
touch "$d/usr/lib/modules/$kver/berth-desktop-modules"
for f in "${desktop_objs[@]}"; do ldd "$f"; done |
    sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' | sort -u | while read -r lib; do
    [ -e "$r/usr/lib/x86_64-linux-gnu/${lib##*/}" ] || cp -L "$lib" "$d/usr/lib/x86_64-linux-gnu/"
done
(cd "$d" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) |
    zstd -q -19 -T0 >"$work/desktop.cpio.zst"
cat "$work/initrd.img" "$work/desktop.cpio.zst" >"$work/desktop-initrd.img"

# --- Boot loader configuration -------------------------------------------------------------------
syslinux_cfg() {
    cat <<EOF
SERIAL 0 115200
DEFAULT berth
PROMPT 0
TIMEOUT 0
LABEL berth
  KERNEL /vmlinuz
  APPEND initrd=/initrd.img $cmdline
EOF
}
grub_cfg() { # MARKER-FILE: the file that identifies the filesystem holding the kernel
    cat <<EOF
# Berth test guest. Debian's signed grub reads /EFI/debian/grub.cfg.
set timeout=0
search --no-floppy --file --set=root $1
linux /vmlinuz $cmdline
initrd /initrd.img
boot
EOF
}
shim=/usr/lib/shim/shimx64.efi.signed
grub=/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
[ -f "$shim" ] && [ -f "$grub" ] || die "signed shim or grub missing"
export MTOOLS_SKIP_CHECK=1

esp_fill() { # IMAGE-SPEC MARKER: the signed boot chain and its grub.cfg on a FAT image
    local img=$1 marker=$2
    grub_cfg "$marker" >"$work/grub.cfg"
    mmd -i "$img" ::/EFI ::/EFI/BOOT ::/EFI/debian
    mcopy -i "$img" "$shim" ::/EFI/BOOT/BOOTX64.EFI
    mcopy -i "$img" "$grub" ::/EFI/BOOT/grubx64.efi
    mcopy -i "$img" "$work/grub.cfg" ::/EFI/BOOT/grub.cfg
    mcopy -i "$img" "$work/grub.cfg" ::/EFI/debian/grub.cfg
}

# Disk sizes follow the payload: kernel + initrd + boot loaders + slack, in MiB.
payload_mib=$((($(stat -c %s "$work/vmlinuz") + $(stat -c %s "$work/initrd.img")) / 1048576 + 1))
disk_mib=$((payload_mib + 16))

# --- gen1.img: MBR, one bootable FAT partition, syslinux (SeaBIOS, IDE) --------------------------
# (gen1-desktop.img: the same with desktop-initrd.img as its initrd.img)
mkfat() { # mkfs.vfat ARGS... without its warning that the image is larger than the filesystem
    mkfs.vfat "$@" 2>&1 >/dev/null | { grep -v 'block count mismatch' || true; } >&2
}
make_gen1() { # IMAGE INITRD
    local img=$1 disk_mib part_sectors
    disk_mib=$((($(stat -c %s "$work/vmlinuz") + $(stat -c %s "$2")) / 1048576 + 17))
    truncate -s "${disk_mib}M" "$img"
    printf 'label: dos\nlabel-id: 0xbe47e001\nstart=2048, type=e, bootable\n' | sfdisk -q "$img"
    part_sectors=$(sfdisk -l -o Sectors "$img" | tail -n1 | tr -d ' ')
    mkfat -F 16 -n BERTH-GEN1 -i be471001 -h 2048 --offset=2048 "$img" $((part_sectors / 2))
    syslinux_cfg >"$work/syslinux.cfg"
    echo berth-guest-gen1 >"$work/berth-gen1.id"
    mcopy -i "$img@@1M" "$work/vmlinuz" "$work/syslinux.cfg" "$work/berth-gen1.id" ::/
    mcopy -i "$img@@1M" "$2" ::/initrd.img
    syslinux --offset $((2048 * 512)) --install "$img"
    dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" bs=440 count=1 conv=notrunc status=none
}
make_gen1 "$work/gen1.img" "$work/initrd.img"
make_gen1 "$work/gen1-desktop.img" "$work/desktop-initrd.img"

# --- gen2.img: GPT, EFI system partition, signed shim + grub (OVMF, virtio-scsi) ---------------------
img=$work/gen2.img
truncate -s "${disk_mib}M" "$img"
printf 'label: gpt\nlabel-id: 6e7a5ee1-be47-4e57-9e57-000000000002\nstart=2048, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=6e7a5ee1-be47-4e57-9e57-0000000000e5, name="EFI system partition"\n' |
    sfdisk -q "$img"
part_sectors=$(sfdisk -l -o Sectors "$img" | tail -n1 | tr -d ' ')
mkfat -F 16 -n BERTH-GEN2 -i be472002 -h 2048 --offset=2048 "$img" $((part_sectors / 2))
echo berth-guest-gen2 >"$work/berth-gen2.id"
esp_fill "$img@@1M" /berth-gen2.id
mcopy -i "$img@@1M" "$work/vmlinuz" "$work/initrd.img" "$work/berth-gen2.id" ::/

# --- guest.iso: isolinux (BIOS) + El Torito EFI image (UEFI), isohybrid -------------------------
iso=$work/iso
mkdir -p "$iso/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
syslinux_cfg >"$iso/isolinux/isolinux.cfg"
cp "$work/vmlinuz" "$work/initrd.img" "$iso/"
echo berth-guest-iso >"$iso/berth-iso.id"
# Under UEFI, grub sees the whole CD (ISO 9660), not the El Torito image it came from: its prefix
# /EFI/debian must exist there too. /.disk/info + /boot/grub/grub.cfg are its embedded fallback.
mkdir -p "$iso/EFI/BOOT" "$iso/EFI/debian" "$iso/boot/grub" "$iso/.disk"
grub_cfg /berth-iso.id >"$iso/EFI/debian/grub.cfg"
cp "$iso/EFI/debian/grub.cfg" "$iso/EFI/BOOT/grub.cfg"
cp "$iso/EFI/debian/grub.cfg" "$iso/boot/grub/grub.cfg"
cp "$shim" "$iso/EFI/BOOT/BOOTX64.EFI"
cp "$grub" "$iso/EFI/BOOT/grubx64.efi"
echo "Berth test guest" >"$iso/.disk/info"
efi_kib=$((($(stat -c %s "$shim") + $(stat -c %s "$grub")) / 1024 + 1024))
mkfs.vfat -C -n BERTH-EFI -i be473003 "$iso/efiboot.img" "$efi_kib" >/dev/null
esp_fill "$iso/efiboot.img" /berth-iso.id
xorriso -as mkisofs -quiet -o "$work/guest.iso" -V BERTH_GUEST -r -J \
    -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
    -c isolinux/boot.cat -b isolinux/isolinux.bin -no-emul-boot -boot-load-size 4 -boot-info-table \
    -eltorito-alt-boot -e efiboot.img -no-emul-boot -isohybrid-gpt-basdat \
    "$iso" 2>"$work/xorriso.log" || {
    cat "$work/xorriso.log" >&2
    die "xorriso failed"
}

# --- Into the cache, then publish -------------------------------------------------------------
mkdir -p "$dest"
for f in "${outputs[@]}"; do mv "$work/$f" "$dest/$f"; done
cp "$work/order" "$dest/modules.load-order"
echo "$versions" >"$dest/versions"
touch "$dest/complete"
# Older builds are of no use any more.
for d in "$cache"/*; do
    case ${d##*/} in "$key" | debs | lock | apt-versions-*) ;; *) rm -rf "$d" ;; esac
done
publish
say "done: $(du -sh --apparent-size "$dest" | cut -f1) apparent, $(du -sh "$dest" | cut -f1) on disk"
