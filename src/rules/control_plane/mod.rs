//! The cluster's own processes, read from the manifests and configuration
//! files on a control-plane node: one family per binary (`apiserver/`,
//! `etcd/`, `controller-manager/`, `scheduler/`, `kubelet/`). A binary is
//! found in any pod that runs it (`k8s::Process`), usually a static pod in
//! `/etc/kubernetes/manifests/`; the kubelet also from its
//! `KubeletConfiguration`. Checks that several binaries share (profiling,
//! the bind address) live in [`flags`], written once.

/// A static pod manifest running `binary` with the given flag lines, for
/// rule examples: `command:` is on line 11, the binary on 12, the first flag
/// on 13. `command: "  # expect: ..."` marks a finding on the `command:`
/// line, where a missing flag is reported.
macro_rules! static_pod {
    ($binary:literal, $flags:expr) => {
        static_pod!($binary, command: "", $flags)
    };
    ($binary:literal, command: $mark:expr, $flags:expr) => {
        concat!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ",
            $binary,
            "\n  namespace: kube-system\nspec:\n",
            "  hostNetwork: true\n  containers:\n  - name: ",
            $binary,
            "\n    image: registry.k8s.io/",
            $binary,
            ":v1.34.1\n    command:",
            $mark,
            "\n    - ",
            $binary,
            "\n",
            $flags
        )
    };
}

/// The same static pod running `binary` through a shell: `command: [sh, -c,
/// "<binary> <flags>"]`, all on line 11 (where every finding about it is
/// reported), with an optional mark after it.
macro_rules! shell_pod {
    ($binary:literal, $flags:literal) => {
        shell_pod!($binary, $flags, "")
    };
    ($binary:literal, $flags:literal, $mark:expr) => {
        concat!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ",
            $binary,
            "\n  namespace: kube-system\nspec:\n",
            "  hostNetwork: true\n  containers:\n  - name: ",
            $binary,
            "\n    image: registry.k8s.io/",
            $binary,
            ":v1.34.1\n    command: [sh, -c, \"",
            $binary,
            " ",
            $flags,
            "\"]",
            $mark,
            "\n"
        )
    };
}

pub mod flags;

pub mod apiserver;
pub mod controller_manager;
pub mod etcd;
pub mod kubelet;
pub mod scheduler;
pub mod structured;
