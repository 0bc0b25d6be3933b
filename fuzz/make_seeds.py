#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets (fuzz/corpus/<target>/).

The seeds are small, real inputs: manifests and request bodies as users and
kubectl send them, the protobuf bodies kubectl 1.32 sends (built field by field
as tests/api/protobuf_test.cc does), and tiny layer archives. The output is
checked in; run this again after changing it:  python3 fuzz/make_seeds.py
Only the Python standard library is used; the output is deterministic.
Files named regress-* are inputs that once crashed a target; this script
leaves them alone.
"""
import gzip
import io
import json
import os
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data)


# --- YAML and JSON manifests -------------------------------------------------

DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{
                "name": "web", "image": "busybox:1.36", "command": ["httpd", "-f", "-p", "8080"],
                "ports": [{"containerPort": 8080, "name": "http"}],
                "resources": {"limits": {"cpu": "0.5", "memory": "64Mi"}},
                "env": [{"name": "GREETING", "valueFrom": {
                    "configMapKeyRef": {"name": "web-config", "key": "greeting"}}}]}]}}}}
POD = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "probe", "labels": {"app": "probe"}},
    "spec": {"restartPolicy": "Never", "nodeName": "node1",
             "containers": [{"name": "c", "image": "busybox", "args": ["sleep", "1"],
                             "readinessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 2}}],
             "volumes": [{"name": "scratch", "emptyDir": {"sizeLimit": "1Gi"}}]}}
SERVICE = {
    "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
    "spec": {"type": "NodePort", "selector": {"app": "web"},
             "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080}]}}
CONFIGMAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
             "data": {"a": "b"}, "binaryData": {"bin": "/wAB"}}
SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
          "stringData": {"user": "admin"}, "type": "Opaque"}

YAML_EXTRA = """\
# anchors, merge keys, scalars of every kind, a typed list
base: &base
  apiVersion: v1
  kind: ConfigMap
items: [1, 0x1f, 0o17, 017, 1.5e3, .inf, ~, null, True, "yes", 'quoted']
---
apiVersion: v1
kind: PodList
items:
- metadata: {name: a}
  spec:
    containers: [{name: c, image: busybox}]
- <<: {apiVersion: v1, kind: Pod}
  metadata: {name: b}
  data: |
    multi
    line
"""


def manifests():
    with open(os.path.join(ROOT, "tests", "apiserver", "testdata", "app.yaml")) as f:
        write("yaml_documents", "app.yaml", f.read())
    write("yaml_documents", "extra.yaml", YAML_EXTRA)
    for name, obj in [("deployment", DEPLOYMENT), ("pod", POD), ("service", SERVICE),
                      ("configmap", CONFIGMAP), ("secret", SECRET)]:
        write("decode", name + ".json", json.dumps(obj, indent=1))


# --- selectors, patches, kubeconfig ------------------------------------------

LABEL_SELECTORS = ["app=web", "app==web,tier!=front", "env in (prod, qa),tier notin (cache)",
                   "!canary,example.com/team", "version>3,version<10", ""]
FIELD_SELECTORS = ["spec.nodeName=node1", "metadata.name!=a\\,b,status.phase=Running",
                   "spec.host==node2,metadata.namespace=shop", "status.podIP=10.0.0.5,spec.restartPolicy!=Never"]
PATCHES = {
    "merge.json": {"metadata": {"labels": {"app": None, "new": "x"}}, "spec": {"replicas": 5}},
    "json_patch.json": [
        {"op": "replace", "path": "/spec/replicas", "value": 3},
        {"op": "add", "path": "/spec/template/spec/containers/0/args/-", "value": "-v"},
        {"op": "move", "from": "/metadata/labels/app", "path": "/metadata/labels/role"},
        {"op": "test", "path": "/kind", "value": "Deployment"},
        {"op": "remove", "path": "/spec/template/spec/tolerations/0"},
        {"op": "copy", "from": "/metadata/name", "path": "/metadata/annotations~1x"}],
    "strategic.json": {
        "spec": {"template": {"spec": {
            "containers": [{"name": "web", "image": "busybox:1.37",
                            "env": [{"name": "A", "$patch": "delete"}, {"name": "C", "value": "3"}]},
                           {"name": "side", "$patch": "delete"}],
            "$setElementOrder/containers": [{"name": "web"}, {"name": "side"}],
            "volumes": [{"name": "cfg", "$retainKeys": ["name", "secret"], "secret": {"secretName": "s"}}],
            "$deleteFromPrimitiveList/finalizers": ["example.com/keep"]}}}},
    "replace.json": {"spec": {"template": {"spec": {"$patch": "replace", "containers": []}}}},
}
KUBECONFIG = """\
apiVersion: v1
kind: Config
current-context: main
clusters:
- name: c1
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
- name: c2
  cluster:
    server: https://10.0.0.2:6443
    insecure-skip-tls-verify: true
contexts:
- name: main
  context: {cluster: c1, user: u1}
- name: other
  context: {cluster: c2, user: u2, namespace: team-a}
users:
- name: u1
  user:
    token: abc.def
- name: u2
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
"""


def small_inputs():
    for i, s in enumerate(LABEL_SELECTORS):
        write("label_selector", "selector%d" % i, s)
    for i, s in enumerate(FIELD_SELECTORS):
        write("field_selector", "selector%d" % i, s)
    for name, patch in PATCHES.items():
        write("patch", name, json.dumps(patch))
    write("kubeconfig", "two-contexts.yaml", KUBECONFIG)
    write("kubeconfig", "token-file.yaml", KUBECONFIG.replace("token: abc.def", "token-file: token"))


# --- protobuf bodies (the wire format of kubectl 1.32) -------------------------

def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


class Msg:
    def __init__(self):
        self.b = b""

    def int(self, field, value):
        self.b += varint(field << 3) + varint(value)
        return self

    def str(self, field, value):
        if isinstance(value, str):
            value = value.encode()
        self.b += varint(field << 3 | 2) + varint(len(value)) + value
        return self

    def sub(self, field, msg):
        return self.str(field, msg.b)

    def entry(self, field, key, value):
        return self.sub(field, Msg().str(1, key).str(2, value))


def body(api_version, kind, obj):
    envelope = Msg().sub(1, Msg().str(1, api_version).str(2, kind)).sub(2, obj).str(3, "").str(4, "")
    return b"k8s\0" + envelope.b


def meta(name, app=""):
    m = Msg().str(1, name).str(2, "").str(3, "").str(4, "").str(5, "").str(6, "").int(7, 0).sub(8, Msg())
    if app:
        m.entry(11, "app", app)
    return m


def protobuf():
    # kubectl create deployment hello --image=nginx --replicas=2 --port=80
    port = Msg().str(1, "").int(2, 0).int(3, 80).str(4, "").str(5, "")
    container = Msg().str(1, "nginx").str(2, "nginx").str(5, "").sub(6, port).sub(8, Msg())
    container.str(13, "").str(14, "").str(20, "").int(16, 0).int(17, 0).int(18, 0)
    pod_spec = Msg().sub(2, container).str(3, "").str(6, "").str(8, "").str(9, "").str(10, "")
    pod_spec.int(11, 0).int(12, 0).int(13, 0).str(16, "").str(17, "").str(19, "")
    template = Msg().sub(1, meta("", "hello")).sub(2, pod_spec)
    spec = Msg().int(1, 2).sub(2, Msg().entry(1, "app", "hello")).sub(3, template)
    spec.sub(4, Msg().str(1, "")).int(5, 0).int(7, 0)
    status = Msg().int(1, 0).int(2, 0).int(3, 0).int(4, 0).int(5, 0).int(7, 0)
    deployment = Msg().sub(1, meta("hello", "hello")).sub(2, spec).sub(3, status)
    write("protobuf", "deployment.pb", body("apps/v1", "Deployment", deployment))

    cm = Msg().sub(1, meta("cm1")).entry(2, "a", "b").entry(2, "empty", "").entry(3, "bin", b"\xff\x00\x01")
    write("protobuf", "configmap.pb", body("v1", "ConfigMap", cm))

    svc_port = Msg().str(1, "web").str(2, "TCP").int(3, 443).sub(4, Msg().int(1, 1).int(2, 0).str(3, "https"))
    svc_port.int(5, 0)
    svc_spec = Msg().sub(1, svc_port).entry(2, "app", "s1").str(3, "").str(4, "ClusterIP")
    svc_spec.str(7, "").str(8, "").str(10, "").str(11, "").int(12, 0).int(13, 0)
    svc = Msg().sub(1, meta("s1", "s1")).sub(2, svc_spec).sub(3, Msg().sub(1, Msg()))
    write("protobuf", "service.pb", body("v1", "Service", svc))

    secret = Msg().sub(1, meta("s1")).entry(2, "raw", b"\x00\xfe").str(3, "").int(5, 0)
    write("protobuf", "secret.pb", body("v1", "Secret", secret))
    ns = Msg().sub(1, meta("ns1")).sub(2, Msg()).sub(3, Msg().str(1, ""))
    write("protobuf", "namespace.pb", body("v1", "Namespace", ns))


# --- layer archives ------------------------------------------------------------

def tar_bytes(entries):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, kind, data, link, mode in entries:
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.mtime, info.linkname = kind, mode, 1700000000, link
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.size = len(data) if kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    plain = out.getvalue()
    # tarfile pads to 10 KiB records; cut after the two zero blocks that end the archive.
    end = len(plain.rstrip(b"\0"))
    plain = plain[:(end + 511) // 512 * 512 + 1024]
    assert len(plain) < 4096, len(plain)
    return plain


def layers():
    links = tar_bytes([
        ("etc/", tarfile.DIRTYPE, b"", "", 0o755),
        ("etc/passwd", tarfile.REGTYPE, b"root:x:0:0::/root:/bin/sh\n", "", 0o644),
        ("up", tarfile.SYMTYPE, b"", "../..", 0o777),
        ("etc/hard", tarfile.LNKTYPE, b"", "etc/passwd", 0o644)])
    whiteouts = tar_bytes([
        ("d/", tarfile.DIRTYPE, b"", "", 0o755),
        ("d/.wh..wh..opq", tarfile.REGTYPE, b"", "", 0o644),
        ("d/fifo", tarfile.FIFOTYPE, b"", "", 0o600),
        ("bin/run", tarfile.REGTYPE, b"#!/bin/sh\n", "", 0o4755)])
    whiteout_file = tar_bytes([("etc/.wh.gone", tarfile.REGTYPE, b"", "", 0o644)])
    write("layer", "links.tar", links)
    write("layer", "whiteouts.tar", whiteouts)
    write("layer", "whiteout_file.tar", whiteout_file)
    write("layer", "links.tar.gz", gzip.compress(links, mtime=0))


# --- hostile inputs (issue 15) ----------------------------------------------
# Small seeds of each class that once took the server down or cost it memory:
# nesting just past the limit (100) and well past it, alias bombs and cycles,
# bytes that are not UTF-8, duplicate keys, JSON patches that grow the object
# one operation at a time. Mutations lengthen runs of brackets from here.

def deep_objects(depth, extra=""):
    return "".join('{%s"a":' % extra for _ in range(depth)) + "1" + "}" * depth


def deep_arrays(depth):
    return "[" * depth + "]" * depth


def alias_bomb():
    out = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a ["lol","lol"]\n'
    for level in "bcdefghij":
        prev = "*" + chr(ord(level) - 1)
        out += "  %s: &%s [%s]\n" % (level, level, ",".join([prev] * 9))
    return out


def hostile():
    pod = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"deep"},"spec":%s}'
    write("decode", "hostile-deep-objects.json", pod % deep_objects(101))
    write("decode", "hostile-deep-arrays.json", pod % deep_arrays(300))
    write("decode", "hostile-at-limit.json", pod % deep_objects(98))
    # Deep enough to overflow the stack of the code before the bound (under
    # ASan, decode_fuzz at 30,000 levels, patch_fuzz at 3,000): every ctest run
    # replays them.
    write("decode", "hostile-deep-objects-30000.json", pod % deep_objects(30000))
    write("decode", "hostile-deep-arrays-60000.json", pod % deep_arrays(60000))
    write("decode", "hostile-utf8.json",
          b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"u\xff","annotations":'
          b'{"a":"x\xfe\xc3y"}},"data":{"k":"\xed\xa0\x80"}}')
    write("decode", "hostile-duplicates.json",
          '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","name":"b"},'
          '"data":{"k":"1","k":"2"},"kind":"ConfigMap"}')

    write("yaml_documents", "hostile-alias-bomb.yaml", alias_bomb())
    write("yaml_documents", "hostile-alias-cycle.yaml", "a: &a [*a]\n---\nb: &b {c: *b}\n")
    write("yaml_documents", "hostile-deep-flow.yaml", "a: " + deep_arrays(150) + "\n")
    write("yaml_documents", "hostile-deep-block.yaml", "a:\n" + "- " * 150 + "1\n")
    write("yaml_documents", "hostile-deep-flow-5000.yaml", "a: " + deep_arrays(5000) + "\n")
    write("yaml_documents", "hostile-duplicates.yaml",
          "metadata:\n  name: a\n  name: b\nspec: {x: 1, x: 2}\n")
    write("yaml_documents", "hostile-utf8.yaml", b"a: \"\\uD800\"\nb: \xff\n")

    write("patch", "hostile-merge-deep.json", '{"spec":%s}' % deep_objects(150))
    write("patch", "hostile-smp-replace-deep.json",
          '{"spec":%s}' % deep_objects(150, '"$patch":"replace",'))
    write("patch", "hostile-merge-deep-5000.json", '{"spec":%s}' % deep_objects(5000))
    write("patch", "hostile-smp-replace-deep-3000.json",
          '{"spec":%s}' % deep_objects(3000, '"$patch":"replace",'))
    chain = [{"op": "add", "path": "/metadata/annotations", "value": {}}]
    path = "/metadata/annotations"
    for _ in range(120):
        path += "/a"
        chain.append({"op": "add", "path": path, "value": {}})
    write("patch", "hostile-json-chain.json", json.dumps(chain))
    doubling = [{"op": "copy", "from": "/spec", "path": "/spec/c%d" % i} for i in range(40)]
    write("patch", "hostile-json-copies.json", json.dumps(doubling))
    write("patch", "hostile-duplicates.json", '{"spec":{"replicas":1,"replicas":2}}')
    write("patch", "hostile-utf8.json", b'{"metadata":{"labels":{"a":"\xff"}}}')


def main():
    manifests()
    small_inputs()
    protobuf()
    layers()
    hostile()


if __name__ == "__main__":
    main()
