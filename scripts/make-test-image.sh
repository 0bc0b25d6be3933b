#!/bin/sh
# make-test-image.sh DIR [TAG]
#
# Builds a tiny OCI image layout in DIR from Debian's busybox-static: one gzip
# layer with /bin/busybox and symlinks for the applets tests and demos use, a
# config with Cmd ["sh"], and index.json naming the manifest TAG (default "1",
# as "skopeo copy oci:DIR:TAG" expects). No docker: tar, gzip, sha256sum and a
# few JSON files written here. The output is reproducible: same busybox, same
# bytes. BUSYBOX overrides the binary (default /bin/busybox); LAYER_COMPRESSION
# picks gzip (default), zstd or none for the layer.
set -eu

dir=${1:?usage: make-test-image.sh DIR [TAG]}
tag=${2:-1}
busybox=${BUSYBOX:-/bin/busybox}
compression=${LAYER_COMPRESSION:-gzip}
[ -x "$busybox" ] || { echo "make-test-image.sh: $busybox not found (apt-get install busybox-static)" >&2; exit 1; }

applets="sh ash cat echo ls ps sleep true false wget nc httpd env id hostname mkdir rm cp mv ln
  grep sed awk head tail wc sort uniq date kill ping ip ifconfig mount umount touch chmod
  chown stat readlink pwd test uname whoami dd tee seq printf nslookup sync yes xargs find
  du df free top vi timeout nproc"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/root" \
  "$root/home" "$root/var/www" "$root/usr/bin" "$root/usr/sbin" "$root/sbin"
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
for applet in $applets; do
  ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
printf 'hello from skiff\n' > "$root/var/www/index.html"

# A deterministic tar: sorted names, root-owned, fixed mtime, no gzip timestamp.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$root" -cf "$work/layer.tar" .
case $compression in
  gzip) gzip -n < "$work/layer.tar" > "$work/layer.blob"; layer_type=application/vnd.oci.image.layer.v1.tar+gzip ;;
  zstd) zstd -q < "$work/layer.tar" > "$work/layer.blob"; layer_type=application/vnd.oci.image.layer.v1.tar+zstd ;;
  none) cp "$work/layer.tar" "$work/layer.blob"; layer_type=application/vnd.oci.image.layer.v1.tar ;;
  *) echo "make-test-image.sh: LAYER_COMPRESSION must be gzip, zstd or none" >&2; exit 1 ;;
esac

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

diff_id=$(sha "$work/layer.tar")
layer=$(sha "$work/layer.blob")

mkdir -p "$dir/blobs/sha256"
cp "$work/layer.blob" "$dir/blobs/sha256/$layer"

cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"],"WorkingDir":"/","Labels":{"org.opencontainers.image.title":"skiff-test-busybox"}},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created_by":"scripts/make-test-image.sh"}]}
JSON
config=$(sha "$work/config.json")
cp "$work/config.json" "$dir/blobs/sha256/$config"

cat > "$work/manifest.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$config","size":$(size "$work/config.json")},"layers":[{"mediaType":"$layer_type","digest":"sha256:$layer","size":$(size "$work/layer.blob")}]}
JSON
manifest=$(sha "$work/manifest.json")
cp "$work/manifest.json" "$dir/blobs/sha256/$manifest"

printf '{"imageLayoutVersion":"1.0.0"}\n' > "$dir/oci-layout"
cat > "$dir/index.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:$manifest","size":$(size "$work/manifest.json"),"annotations":{"org.opencontainers.image.ref.name":"$tag"},"platform":{"architecture":"amd64","os":"linux"}}]}
JSON
echo "sha256:$manifest"
