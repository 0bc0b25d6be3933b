// core/v1 Volume and every volume source. skiff mounts emptyDir, hostPath,
// configMap and secret volumes; the network, cloud and projected sources are
// stored only.
#include "api/schema/builder.h"

namespace skiff::api::schema_internal {

namespace {

void DefineVolume(SchemaBuilder& b) {
  b.Type("Volume",
         "A named volume that containers of the pod can mount; exactly one source is set.")
      .A("name", "string", "Name of the volume, unique in the pod (a DNS label).")
      .A("hostPath", "HostPathVolumeSource", "A file or directory of the node.")
      .A("emptyDir", "EmptyDirVolumeSource", "A scratch directory that lives as long as the pod.")
      .F("gcePersistentDisk", "GCEPersistentDiskVolumeSource", "Deprecated: a GCE persistent disk.")
      .F("awsElasticBlockStore", "AWSElasticBlockStoreVolumeSource",
         "Deprecated: an AWS EBS volume.")
      .F("gitRepo", "GitRepoVolumeSource", "Deprecated: a directory cloned from a git repository.")
      .A("secret", "SecretVolumeSource", "The keys of a Secret as files.")
      .F("nfs", "NFSVolumeSource", "An NFS export.")
      .F("iscsi", "ISCSIVolumeSource", "An iSCSI disk.")
      .F("glusterfs", "GlusterfsVolumeSource", "Deprecated: a GlusterFS volume.")
      .F("persistentVolumeClaim", "PersistentVolumeClaimVolumeSource",
         "A PersistentVolumeClaim in the same namespace.")
      .F("rbd", "RBDVolumeSource", "Deprecated: a Ceph RADOS block device.")
      .F("flexVolume", "FlexVolumeSource", "Deprecated: a volume provided by a FlexVolume driver.")
      .F("cinder", "CinderVolumeSource", "Deprecated: an OpenStack Cinder volume.")
      .F("cephfs", "CephFSVolumeSource", "Deprecated: a CephFS mount.")
      .F("flocker", "FlockerVolumeSource", "Deprecated: a Flocker dataset.")
      .F("downwardAPI", "DownwardAPIVolumeSource", "Pod fields and resources as files.")
      .F("fc", "FCVolumeSource", "A Fibre Channel disk.")
      .F("azureFile", "AzureFileVolumeSource", "Deprecated: an Azure File share.")
      .A("configMap", "ConfigMapVolumeSource", "The keys of a ConfigMap as files.")
      .F("vsphereVolume", "VsphereVirtualDiskVolumeSource", "Deprecated: a vSphere virtual disk.")
      .F("quobyte", "QuobyteVolumeSource", "Deprecated: a Quobyte volume.")
      .F("azureDisk", "AzureDiskVolumeSource", "Deprecated: an Azure data disk.")
      .F("photonPersistentDisk", "PhotonPersistentDiskVolumeSource",
         "Deprecated: a Photon Controller disk.")
      .F("projected", "ProjectedVolumeSource", "Several sources merged into one directory.")
      .F("portworxVolume", "PortworxVolumeSource", "Deprecated: a Portworx volume.")
      .F("scaleIO", "ScaleIOVolumeSource", "Deprecated: a ScaleIO volume.")
      .F("storageos", "StorageOSVolumeSource", "Deprecated: a StorageOS volume.")
      .F("csi", "CSIVolumeSource", "An ephemeral volume provided by a CSI driver.")
      .F("ephemeral", "EphemeralVolumeSource",
         "A volume from a claim created and deleted with the pod.")
      .F("image", "ImageVolumeSource", "The contents of an OCI image or artifact, read-only.");

  b.Type("HostPathVolumeSource", "A path on the node.", kActed)
      .F("path", "string", "Path on the node; a symlink is followed.")
      .F("type", "string", "What must exist at path, or be created.")
      .E("|DirectoryOrCreate|Directory|FileOrCreate|File|Socket|CharDevice|BlockDevice");

  b.Type("EmptyDirVolumeSource", "An empty directory created for the pod.", kActed)
      .F("medium", "string", "Storage medium: the node's default disk or Memory (tmpfs).")
      .E("|Memory|HugePages")
      .F("sizeLimit", "Quantity", "Most storage the volume may use.");

  b.Type("SecretVolumeSource", "Projects the keys of a Secret as files.", kActed)
      .F("secretName", "string", "Name of the Secret in the pod's namespace.")
      .F("items", "[]KeyToPath", "Keys to project and their paths; all keys when empty.")
      .F("defaultMode", "int32", "Permission bits of the files, 0644 by default.")
      .F("optional", "boolean", "Start the pod even if the Secret or a key is missing.");

  b.Type("ConfigMapVolumeSource", "Projects the keys of a ConfigMap as files.", kActed)
      .F("name", "string", "Name of the ConfigMap in the pod's namespace.")
      .F("items", "[]KeyToPath", "Keys to project and their paths; all keys when empty.")
      .F("defaultMode", "int32", "Permission bits of the files, 0644 by default.")
      .F("optional", "boolean", "Start the pod even if the ConfigMap or a key is missing.");

  b.Type("KeyToPath", "Maps one key to a relative file path.", kActed)
      .F("key", "string", "The key to project.")
      .F("path", "string", "Relative path of the file; no '..' elements.")
      .F("mode", "int32", "Permission bits of this file; defaultMode when unset.");
}

void DefineNetworkSources(SchemaBuilder& b) {
  b.Type("GCEPersistentDiskVolumeSource", "A Google Compute Engine persistent disk.")
      .F("pdName", "string", "Name of the disk in GCE.")
      .F("fsType", "string", "Filesystem type to mount, such as ext4.")
      .F("partition", "int32", "Partition of the disk to mount; the whole disk when 0.")
      .F("readOnly", "boolean", "Mount read-only.");

  b.Type("AWSElasticBlockStoreVolumeSource", "An AWS Elastic Block Store volume.")
      .F("volumeID", "string", "ID of the EBS volume.")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("partition", "int32", "Partition of the volume to mount; the whole volume when 0.")
      .F("readOnly", "boolean", "Mount read-only.");

  b.Type("GitRepoVolumeSource", "A directory populated by cloning a git repository.")
      .F("repository", "string", "Repository URL.")
      .F("revision", "string", "Commit hash to check out.")
      .F("directory", "string", "Target directory name inside the volume.");

  b.Type("NFSVolumeSource", "An NFS export.")
      .F("server", "string", "Hostname or IP address of the NFS server.")
      .F("path", "string", "Path exported by the server.")
      .F("readOnly", "boolean", "Mount read-only.");

  b.Type("ISCSIVolumeSource", "An iSCSI disk.")
      .F("targetPortal", "string", "iSCSI target portal, IP with optional port.")
      .F("iqn", "string", "iSCSI qualified name of the target.")
      .F("lun", "int32", "Logical unit number of the target.")
      .F("iscsiInterface", "string", "iSCSI interface name used for the transport.")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("readOnly", "boolean", "Mount read-only.")
      .F("portals", "[]string", "Further target portals.")
      .F("chapAuthDiscovery", "boolean", "Use CHAP authentication for discovery.")
      .F("chapAuthSession", "boolean", "Use CHAP authentication for the session.")
      .F("secretRef", "LocalObjectReference", "Secret with the CHAP credentials.")
      .F("initiatorName", "string", "Custom iSCSI initiator name.");

  b.Type("GlusterfsVolumeSource", "A GlusterFS volume.")
      .F("endpoints", "string", "Endpoints object naming the Glusterfs servers.")
      .F("path", "string", "Glusterfs volume path.")
      .F("readOnly", "boolean", "Mount read-only.");

  b.Type("PersistentVolumeClaimVolumeSource", "Mounts the volume bound to a PersistentVolumeClaim.")
      .F("claimName", "string", "Name of the claim in the pod's namespace.")
      .F("readOnly", "boolean", "Mount read-only.");

  b.Type("RBDVolumeSource", "A Ceph RADOS block device.")
      .F("monitors", "[]string", "Ceph monitor addresses.")
      .F("image", "string", "RADOS image name.")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("pool", "string", "RADOS pool name.")
      .F("user", "string", "RADOS user name.")
      .F("keyring", "string", "Path of the keyring for the user.")
      .F("secretRef", "LocalObjectReference", "Secret with the authentication key.")
      .F("readOnly", "boolean", "Mount read-only.");

  b.Type("FlexVolumeSource", "A volume mounted by an exec-based FlexVolume driver.")
      .F("driver", "string", "Name of the driver.")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("secretRef", "LocalObjectReference", "Secret passed to the driver.")
      .F("readOnly", "boolean", "Mount read-only.")
      .F("options", "map[string]", "Extra options passed to the driver.");

  b.Type("CinderVolumeSource", "An OpenStack Cinder volume.")
      .F("volumeID", "string", "ID of the volume in Cinder.")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("readOnly", "boolean", "Mount read-only.")
      .F("secretRef", "LocalObjectReference", "Secret with the OpenStack credentials.");

  b.Type("CephFSVolumeSource", "A CephFS mount.")
      .F("monitors", "[]string", "Ceph monitor addresses.")
      .F("path", "string", "Path inside the filesystem to mount; / by default.")
      .F("user", "string", "RADOS user name.")
      .F("secretFile", "string", "Path of the keyring for the user.")
      .F("secretRef", "LocalObjectReference", "Secret with the authentication key.")
      .F("readOnly", "boolean", "Mount read-only.");

  b.Type("FlockerVolumeSource", "A Flocker dataset.")
      .F("datasetName", "string", "Name of the dataset.")
      .F("datasetUUID", "string", "UUID of the dataset.");

  b.Type("FCVolumeSource", "A Fibre Channel volume.")
      .F("targetWWNs", "[]string", "Target world wide names.")
      .F("lun", "int32", "Logical unit number.")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("readOnly", "boolean", "Mount read-only.")
      .F("wwids", "[]string", "World wide identifiers, instead of targetWWNs and lun.");

  b.Type("AzureFileVolumeSource", "An Azure File share.")
      .F("secretName", "string", "Secret with the storage account name and key.")
      .F("shareName", "string", "Name of the share.")
      .F("readOnly", "boolean", "Mount read-only.");

  b.Type("VsphereVirtualDiskVolumeSource", "A vSphere virtual disk.")
      .F("volumePath", "string", "Path identifying the disk.")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("storagePolicyName", "string", "Storage policy based management profile name.")
      .F("storagePolicyID", "string", "Storage policy based management profile ID.");

  b.Type("QuobyteVolumeSource", "A Quobyte volume.")
      .F("registry", "string", "Quobyte registry addresses, host:port, comma separated.")
      .F("volume", "string", "Name of the Quobyte volume.")
      .F("readOnly", "boolean", "Mount read-only.")
      .F("user", "string", "User to map volume access to.")
      .F("group", "string", "Group to map volume access to.")
      .F("tenant", "string", "Tenant owning the volume.");

  b.Type("AzureDiskVolumeSource", "An Azure data disk.")
      .F("diskName", "string", "Name of the data disk.")
      .F("diskURI", "string", "URI of the data disk.")
      .F("cachingMode", "string", "Host caching mode.")
      .E("None|ReadOnly|ReadWrite")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("readOnly", "boolean", "Mount read-only.")
      .F("kind", "string", "Disk kind.")
      .E("Shared|Dedicated|Managed");

  b.Type("PhotonPersistentDiskVolumeSource", "A Photon Controller persistent disk.")
      .F("pdID", "string", "ID of the disk.")
      .F("fsType", "string", "Filesystem type to mount.");

  b.Type("PortworxVolumeSource", "A Portworx volume.")
      .F("volumeID", "string", "ID of the volume.")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("readOnly", "boolean", "Mount read-only.");

  b.Type("ScaleIOVolumeSource", "A ScaleIO volume.")
      .F("gateway", "string", "Address of the ScaleIO API gateway.")
      .F("system", "string", "Name of the storage system.")
      .F("secretRef", "LocalObjectReference", "Secret with the ScaleIO credentials.")
      .F("sslEnabled", "boolean", "Use SSL to talk to the gateway.")
      .F("protectionDomain", "string", "Protection domain of the storage.")
      .F("storagePool", "string", "Storage pool of the protection domain.")
      .F("storageMode", "string", "Thick or thin provisioning.")
      .E("ThickProvisioned|ThinProvisioned")
      .F("volumeName", "string", "Name of an existing volume.")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("readOnly", "boolean", "Mount read-only.");

  b.Type("StorageOSVolumeSource", "A StorageOS volume.")
      .F("volumeName", "string", "Name of the volume within its namespace.")
      .F("volumeNamespace", "string", "StorageOS namespace of the volume.")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("readOnly", "boolean", "Mount read-only.")
      .F("secretRef", "LocalObjectReference", "Secret with the StorageOS credentials.");

  b.Type("CSIVolumeSource", "An ephemeral volume provided by a CSI driver.")
      .F("driver", "string", "Name of the CSI driver.")
      .F("readOnly", "boolean", "Mount read-only.")
      .F("fsType", "string", "Filesystem type to mount.")
      .F("volumeAttributes", "map[string]", "Driver-specific properties of the volume.")
      .F("nodePublishSecretRef", "LocalObjectReference",
         "Secret passed to the driver's publish calls.");

  b.Type("ImageVolumeSource", "An OCI image or artifact mounted read-only.")
      .F("reference", "string", "Image or artifact reference.")
      .F("pullPolicy", "string", "When the image is pulled.")
      .E("Always|Never|IfNotPresent");
}

void DefineProjectionAndClaims(SchemaBuilder& b) {
  b.Type("DownwardAPIVolumeSource", "Pod fields and resources exposed as files.")
      .F("items", "[]DownwardAPIVolumeFile", "The files to create.")
      .F("defaultMode", "int32", "Permission bits of the files, 0644 by default.");

  b.Type("DownwardAPIVolumeFile", "One file holding a pod field or resource value.")
      .F("path", "string", "Relative path of the file.")
      .F("fieldRef", "ObjectFieldSelector", "Pod field written to the file.")
      .F("resourceFieldRef", "ResourceFieldSelector", "Container resource written to the file.")
      .F("mode", "int32", "Permission bits of this file.");

  b.Type("ProjectedVolumeSource", "Several volume sources projected into one directory.")
      .F("sources", "[]VolumeProjection", "The sources.")
      .F("defaultMode", "int32", "Permission bits of the files, 0644 by default.");

  b.Type("VolumeProjection", "One source of a projected volume; exactly one field is set.")
      .F("secret", "SecretProjection", "Keys of a Secret.")
      .F("downwardAPI", "DownwardAPIProjection", "Pod fields and resources.")
      .F("configMap", "ConfigMapProjection", "Keys of a ConfigMap.")
      .F("serviceAccountToken", "ServiceAccountTokenProjection", "A bound service account token.")
      .F("clusterTrustBundle", "ClusterTrustBundleProjection",
         "Certificates of ClusterTrustBundle objects.");

  b.Type("SecretProjection", "The keys of a Secret in a projected volume.")
      .F("name", "string", "Name of the Secret.")
      .F("items", "[]KeyToPath", "Keys to project and their paths; all keys when empty.")
      .F("optional", "boolean", "Allow the Secret or a key to be missing.");

  b.Type("ConfigMapProjection", "The keys of a ConfigMap in a projected volume.")
      .F("name", "string", "Name of the ConfigMap.")
      .F("items", "[]KeyToPath", "Keys to project and their paths; all keys when empty.")
      .F("optional", "boolean", "Allow the ConfigMap or a key to be missing.");

  b.Type("DownwardAPIProjection", "Pod fields and resources in a projected volume.")
      .F("items", "[]DownwardAPIVolumeFile", "The files to create.");

  b.Type("ServiceAccountTokenProjection",
         "A service account token written to a file and refreshed.")
      .F("audience", "string", "Intended audience of the token.")
      .F("expirationSeconds", "int64", "Requested lifetime of the token.")
      .F("path", "string", "Relative path of the token file.");

  b.Type("ClusterTrustBundleProjection",
         "Certificates from ClusterTrustBundle objects written to a file.")
      .F("name", "string", "Name of one ClusterTrustBundle.")
      .F("signerName", "string", "Select bundles by signer name.")
      .F("labelSelector", "LabelSelector", "Select bundles by label, with signerName.")
      .F("optional", "boolean", "Write an empty file instead of failing when nothing matches.")
      .F("path", "string", "Relative path of the file.");

  b.Type("EphemeralVolumeSource", "A volume backed by a claim that lives as long as the pod.")
      .F("volumeClaimTemplate", "PersistentVolumeClaimTemplate",
         "Template of the claim created for the pod.");

  b.Type("PersistentVolumeClaimTemplate", "The metadata and spec of a claim to create.")
      .F("metadata", "ObjectMeta", "Labels and annotations copied to the claim.")
      .F("spec", "PersistentVolumeClaimSpec", "Spec of the claim.");

  b.Type("PersistentVolumeClaimSpec", "What storage a claim asks for.")
      .F("accessModes", "[]string", "Access modes the volume must support.")
      .F("selector", "LabelSelector", "Label query over volumes to bind to.")
      .F("resources", "VolumeResourceRequirements", "Least storage the volume must have.")
      .F("volumeName", "string", "Bind to this specific volume.")
      .F("storageClassName", "string", "StorageClass that provisions the volume.")
      .F("volumeMode", "string", "Filesystem or raw block volume.")
      .E("Block|Filesystem")
      .F("dataSource", "TypedLocalObjectReference", "Object to populate the volume from.")
      .F("dataSourceRef", "TypedObjectReference",
         "Object to populate the volume from, any namespace.")
      .F("volumeAttributesClassName", "string", "VolumeAttributesClass of the claim.");

  b.Type("VolumeResourceRequirements", "Storage requested and limited for a volume.")
      .F("limits", "map[Quantity]", "Most of each resource allowed.")
      .F("requests", "map[Quantity]", "Least of each resource required.");

  b.Type("TypedLocalObjectReference", "Names an object of a given kind in the same namespace.")
      .F("apiGroup", "string", "API group of the referent; empty for the core group.")
      .F("kind", "string", "Kind of the referent.")
      .F("name", "string", "Name of the referent.");

  b.Type("TypedObjectReference", "Names an object of a given kind, possibly in another namespace.")
      .F("apiGroup", "string", "API group of the referent; empty for the core group.")
      .F("kind", "string", "Kind of the referent.")
      .F("name", "string", "Name of the referent.")
      .F("namespace", "string", "Namespace of the referent.");
}

}  // namespace

void DefineCoreVolumeTypes(SchemaBuilder& b) {
  b.Package("io.k8s.api.core.v1");
  DefineVolume(b);
  DefineNetworkSources(b);
  DefineProjectionAndClaims(b);
}

}  // namespace skiff::api::schema_internal
