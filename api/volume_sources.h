// The members of a Kubernetes VolumeSource, in upstream's order of checking.
// A volume names exactly one of them (validation); a volume naming none gets an
// emptyDir (defaulting).
#pragma once

namespace skiff::api {

inline constexpr const char* kVolumeSourceFields[] = {
    "hostPath",  "emptyDir",   "gitRepo",       "gcePersistentDisk", "awsElasticBlockStore",
    "secret",    "nfs",        "iscsi",         "glusterfs",         "flocker",
    "persistentVolumeClaim",   "rbd",           "flexVolume",        "cinder",
    "cephfs",    "downwardAPI", "fc",           "azureFile",         "configMap",
    "vsphereVolume", "quobyte", "azureDisk",    "photonPersistentDisk", "portworxVolume",
    "projected", "scaleIO",    "storageos",     "csi",               "ephemeral",
    "image"};

}  // namespace skiff::api
