//! Which volume types a pod may mount.

use crate::k8s::Object;
use crate::rules::{kinds, kubescape, polaris, trivy, Family, Hits, Practice, PssControl, PssLevel, Rule, Severity};
use crate::yaml::{Entry, Node};
use indoc::indoc;

use crate::rules::fix::pod_fix;
use crate::rules::standards::{psa_source, PolicyVersion, PSS_DOC};

/// HostPath Volumes (baseline). Restricted field: `spec.volumes[*].hostPath`.
/// Allowed: unset.
pub static HOST_PATH_VOLUMES: Rule = Rule {
    id: "pss/host-path-volumes",
    family: Family::Pss,
    title: "Pod mounts a directory of the node",
    severity: Severity::High,
    practice: Practice::PodSecurity,
    rationale: "A hostPath volume gives the pod the node's own files: the container runtime \
        socket, kubelet credentials, other pods' data, or /etc. Read access leaks secrets; write \
        access is usually enough to take over the node.",
    references: &[PSS_DOC, psa_source!("check_hostPathVolumes.go")],
    cis: &[cis!("5.2.12", "Minimize the admission of HostPath volumes")],
    sources: &[kubescape("C-0048"), trivy("KSV-0023"), polaris("hostPathSet")],
    kinds: kinds::WORKLOADS,
    remediation: "Replace the hostPath volume with an emptyDir, a ConfigMap or Secret, or a \
        PersistentVolumeClaim.",
    snippet: "volumes:\n  - name: data\n    emptyDir: {}",
    pss: Some(PssControl {
        check: "hostPathVolumes",
        level: PssLevel::Baseline,
        since: PolicyVersion::v1(0),
        overrides: None,
    }),
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: nginx:1.27
              volumes:
              - name: docker
                hostPath:  # expect: pss/host-path-volumes
                  path: /var/run/docker.sock
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: fluent-bit
            spec:
              template:
                spec:
                  containers:
                  - name: fluent-bit
                    image: fluent/fluent-bit:3.1
                    volumeMounts:
                    - name: varlog
                      mountPath: /var/log
                      readOnly: true
                  volumes:
                  - name: varlog
                    hostPath:  # expect: pss/host-path-volumes
                      path: /var/log
                  - name: containers
                    hostPath:  # expect: pss/host-path-volumes
                      path: /var/lib/docker/containers
                      type: Directory
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: nginx:1.27
              volumes:
              - name: scratch
                emptyDir: {}
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    volumeMounts:
                    - name: config
                      mountPath: /etc/nginx/conf.d
                    - name: token
                      mountPath: /var/run/secrets/tokens
                  volumes:
                  - name: config
                    configMap:
                      name: web-nginx
                  - name: token
                    projected:
                      sources:
                      - serviceAccountToken:
                          path: token
                          audience: vault
        "#},
    ],
    check: host_path_volumes,
};

fn host_path_volumes(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    for volume in pod.volumes() {
        let Some(entry) = volume.entry("hostPath").filter(|e| !e.value.is_null()) else { continue };
        let path = entry.value.get("path").map_or_else(|| "?".into(), Node::display);
        hits.at(entry.span(), text!("volume {:?} mounts host path {path}", volume_name(volume)))
            .fix(pod_fix(pod, &empty_dir_fix(volume)));
    }
}

fn volume_name(volume: &Node) -> &str {
    volume.get("name").and_then(Node::as_str).unwrap_or("")
}

fn empty_dir_fix(volume: &Node) -> String {
    text!("volumes:\n  - name: {}\n    emptyDir: {{}}", volume_name(volume))
}

/// Volume Types (restricted). Restricted field: `spec.volumes[*]`. Allowed
/// sources: [`ALLOWED_SOURCES`]. A volume with no source at all is allowed:
/// the API server defaults it to `emptyDir` before admission.
pub static RESTRICTED_VOLUMES: Rule = Rule {
    id: "pss/restricted-volumes",
    family: Family::Pss,
    title: "Volume type outside the restricted set",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "Besides hostPath, many in-tree volume types (nfs, iscsi, rbd, cephfs, flexVolume, \
        gitRepo, ...) make the node mount remote storage or run plugins with node privileges on \
        the pod's behalf. The restricted level allows only the types that cannot reach outside \
        what the cluster grants: configMap, csi, downwardAPI, emptyDir, ephemeral, image, \
        persistentVolumeClaim, projected and secret.",
    references: &[PSS_DOC, psa_source!("check_restrictedVolumes.go")],
    cis: &[],
    sources: &[trivy("KSV-0028")],
    kinds: kinds::WORKLOADS,
    remediation: "Use a PersistentVolumeClaim (with a StorageClass for the storage) or another \
        allowed volume type instead.",
    snippet: "volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: data",
    pss: Some(PssControl {
        check: "restrictedVolumes",
        level: PssLevel::Restricted,
        since: PolicyVersion::v1(0),
        overrides: Some("hostPathVolumes"),
    }),
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: nginx:1.27
              volumes:
              - name: shared
                nfs:  # expect: pss/restricted-volumes
                  server: nfs.example.com
                  path: /exports
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              template:
                spec:
                  containers:
                  - name: db
                    image: postgres:16.4
                  volumes:
                  - name: data
                    hostPath:  # expect: pss/restricted-volumes
                      path: /mnt/data
                  - name: seed
                    gitRepo:  # expect: pss/restricted-volumes
                      repository: https://github.com/example/seed.git
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: nginx:1.27
              volumes:
              - name: data
                persistentVolumeClaim:
                  claimName: data
              # No source: the API server defaults it to emptyDir.
              - name: defaulted
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: model-server
            spec:
              template:
                spec:
                  containers:
                  - name: server
                    image: registry.example.com/model-server:1.0
                  volumes:
                  - name: model
                    image:
                      reference: registry.example.com/models/llm:1.0
                  - name: secrets-store
                    csi:
                      driver: secrets-store.csi.k8s.io
                      readOnly: true
                  - name: cache
                    ephemeral:
                      volumeClaimTemplate:
                        spec:
                          accessModes: [ReadWriteOnce]
                          resources:
                            requests: {storage: 1Gi}
                  - name: podinfo
                    downwardAPI:
                      items:
                      - path: labels
                        fieldRef: {fieldPath: metadata.labels}
        "#},
    ],
    check: restricted_volumes,
};

const ALLOWED_SOURCES: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// PSA's order for naming the type of a forbidden volume.
const RESTRICTED_SOURCES: [&str; 21] = [
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

fn restricted_volumes(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    let set = |volume: &Node, key: &str| volume.get(key).is_some();
    for volume in pod.volumes() {
        if ALLOWED_SOURCES.iter().any(|s| set(volume, s)) {
            continue;
        }
        let source: Option<&Entry> =
            RESTRICTED_SOURCES.iter().find_map(|s| volume.entry(s).filter(|e| !e.value.is_null()));
        if let Some(entry) = source {
            let hit = hits
                .at(
                    entry.span(),
                    joined!(
                        "volume ",
                        ?volume_name(volume),
                        " uses type ",
                        entry.key,
                        ", which the restricted level forbids",
                        if entry.key == "hostPath" { " (and the baseline level too)" } else { "" }
                    ),
                )
                .fix(pod_fix(
                    pod,
                    &joined!(
                        "volumes:\n  - name: ",
                        volume_name(volume),
                        "\n    persistentVolumeClaim:\n      claimName: ",
                        volume_name(volume)
                    ),
                ));
            // A hostPath breaks the baseline check too, and keeps its severity.
            if entry.key == "hostPath" {
                hit.severity(HOST_PATH_VOLUMES.severity);
            }
        }
    }
}
