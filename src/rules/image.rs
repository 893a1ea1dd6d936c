//! `image/*`: where container images come from and whether what runs can
//! change without a deploy.

use crate::k8s::Container;
use crate::rules::fix::container_fix;
use crate::rules::{
    checkov, kinds, kube_linter, kubescape, polaris, trivy, Family, Practice, Reference, Rule, Severity,
};
use crate::yaml::Span;
use indoc::indoc;

const IMAGES_DOC: Reference = Reference {
    title: "Kubernetes: Images (image names, tags and digests)",
    url: "https://kubernetes.io/docs/concepts/containers/images/",
};

/// A parsed image reference: `[registry/]repository[:tag][@digest]`.
#[derive(Debug, PartialEq)]
pub struct ImageRef<'a> {
    /// As Docker resolves it: `docker.io` when the first part is not a host.
    pub registry: &'a str,
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(image: &'a str) -> ImageRef<'a> {
        // The separators are ASCII, found byte by byte: an image is a
        // short string, read for every container by several rules, where
        // a `char` searcher costs more to set up than the search.
        let at = |text: &str, byte: u8| text.bytes().position(|b| b == byte);
        let last = |text: &str, byte: u8| text.bytes().rposition(|b| b == byte);
        let (rest, digest) = match at(image, b'@') {
            Some(i) => (&image[..i], Some(&image[i + 1..])),
            None => (image, None),
        };
        // A tag is after the last ':' that comes after the last '/'.
        let slash = last(rest, b'/').map_or(0, |i| i + 1);
        let (name, tag) = match last(&rest[slash..], b':') {
            Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
            None => (rest, None),
        };
        let first = at(name, b'/').map(|i| (&name[..i], &name[i + 1..]));
        let (registry, repository) = match first {
            Some((first, rest)) if first.bytes().any(|b| b == b'.' || b == b':') || first == "localhost" => {
                (first, rest)
            }
            _ => ("docker.io", name),
        };
        ImageRef { registry, repository, tag, digest }
    }

    /// `registry/repository` as Docker resolves it: official Docker Hub
    /// images live under `library/`.
    fn full_name(&self) -> String {
        let registry = self.registry.to_ascii_lowercase();
        let registry = if registry == "index.docker.io" { "docker.io".to_owned() } else { registry };
        if registry == "docker.io" && !self.repository.contains('/') {
            text!("docker.io/library/{}", self.repository)
        } else {
            text!("{registry}/{}", self.repository)
        }
    }

    /// Tag and digest absent or `latest`: what runs can change.
    fn mutable_latest(&self) -> bool {
        self.digest.is_none() && self.tag.is_none_or(|t| t == "latest")
    }
}

/// Every container's image, with its entry.
fn each_image<'o>(
    object: &crate::k8s::Object<'o>,
    mut f: impl FnMut(&crate::k8s::PodView<'o>, &Container<'o>, &'o str, Span),
) {
    let Some(pod) = object.pod() else { return };
    for c in pod.containers() {
        if let Some(entry) = c.node.entry("image") {
            if let Some(image) = entry.value.as_str() {
                f(pod, &c, image, entry.span());
            }
        }
    }
}

pub static LATEST_TAG: Rule = Rule {
    id: "image/latest-tag",
    family: Family::Image,
    title: "Image has no tag or uses latest",
    severity: Severity::Medium,
    practice: Practice::ImagePolicy,
    rationale: "Without a tag, or with :latest, the image that runs is whatever the registry serves \
        when a node pulls it: two replicas can run different code, a rollback does not roll back, and \
        a compromised registry account changes production without a deploy.",
    references: &[IMAGES_DOC],
    cis: &[],
    sources: &[checkov("CKV_K8S_14"), trivy("KSV-0013"), kube_linter("latest-tag"), polaris("tagNotSpecified")],
    kinds: kinds::WORKLOADS,
    remediation: "Use an explicit version tag, and better a digest (`image: repo/app:1.4.2@sha256:...`).",
    snippet: "image: registry.example.com/team/app:1.4.2@sha256:<digest>",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: nginx:latest  # expect: image/latest-tag
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  initContainers:
                  - name: wait
                    image: busybox  # expect: image/latest-tag
                  containers:
                  - name: web
                    # The port belongs to the registry: this image has no tag.
                    image: registry.example.com:5000/team/web  # expect: image/latest-tag
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
                image: nginx:1.27.2@sha256:1f2e3d4c5b6a7980f1e2d3c4b5a69788f1e2d3c4b5a69788f1e2d3c4b5a69788
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  initContainers:
                  # Pulled by digest: the latest tag is ignored.
                  - name: wait
                    image: busybox:latest@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7
                  containers:
                  - name: web
                    image: localhost:5000/web:1.4.2
        "#},
    ],
    check: |object, hits| {
        each_image(object, |pod, c, image, span| {
            let reference = ImageRef::parse(image);
            if reference.mutable_latest() {
                let what = if reference.tag.is_some() { "uses the latest tag" } else { "has no tag (so latest)" };
                hits.at(span, text!("{} image {image:?} {what}", c.label())).fix(container_fix(
                    pod,
                    c,
                    &text!("image: {}/{}:<version>", reference.registry, reference.repository),
                ));
            }
        })
    },
};

pub static NOT_PINNED: Rule = Rule {
    id: "image/not-pinned",
    family: Family::Image,
    title: "Image is not pinned by digest",
    severity: Severity::Low,
    practice: Practice::ImagePolicy,
    rationale: "Tags are mutable: whoever can push to the repository can move 1.4.2 to other \
        content. Only a digest names exactly the image that was reviewed and scanned.",
    references: &[IMAGES_DOC],
    cis: &[],
    sources: &[checkov("CKV_K8S_43"), kubescape("C-0306")],
    kinds: kinds::WORKLOADS,
    remediation: "Append the digest: `image: repo/app:1.4.2@sha256:...` (tools like crane or \
        `docker buildx imagetools inspect` print it; many CD tools pin automatically).",
    snippet: "image: registry.example.com/team/app:1.4.2@sha256:<digest>",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: nginx:1.27.2  # expect: image/not-pinned
        "#},
        indoc! {r#"
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: backup
            spec:
              schedule: "0 2 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      initContainers:
                      - name: snapshot
                        image: ghcr.io/example/snapshot:v2  # expect: image/not-pinned
                      containers:
                      - name: backup
                        image: registry.example.com:5000/ops/backup:1.2.0  # expect: image/not-pinned
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
                image: nginx:1.27.2@sha256:1f2e3d4c5b6a7980f1e2d3c4b5a69788f1e2d3c4b5a69788f1e2d3c4b5a69788
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
                    image: registry.example.com/team/web@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7
                  # Untagged and latest images are image/latest-tag's finding.
                  - name: proxy
                    image: envoyproxy/envoy:latest
        "#},
    ],
    check: |object, hits| {
        each_image(object, |pod, c, image, span| {
            let reference = ImageRef::parse(image);
            // Untagged and latest images are image/latest-tag's finding.
            if reference.digest.is_none() && !reference.mutable_latest() {
                hits.at(span, joined!(c.label(), " image ", ?image, " is not pinned by digest")).fix(container_fix(
                    pod,
                    c,
                    &joined!("image: ", image, "@sha256:<digest>"),
                ));
            }
        })
    },
};

pub static REGISTRY_ALLOWLIST: Rule = Rule {
    id: "image/registry-allowlist",
    family: Family::Image,
    title: "Image comes from a registry outside the allowlist",
    severity: Severity::High,
    practice: Practice::ImagePolicy,
    rationale: "Images from arbitrary registries bypass the scanning, signing and provenance \
        controls of the trusted ones. This rule runs when an allowlist is given (`posture check \
        --allowed-registry registry.example.com`, or the playground's setting).",
    references: &[
        IMAGES_DOC,
        Reference {
            title: "Kubernetes: Image policy (admission controllers ImagePolicyWebhook)",
            url: "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#imagepolicywebhook",
        },
    ],
    cis: &[],
    sources: &[kubescape("C-0078"), trivy("KSV-0125")],
    kinds: kinds::WORKLOADS,
    remediation: "Mirror the image into an allowed registry, or add the registry to the allowlist \
        after review.",
    snippet: "image: registry.example.com/mirror/app:1.4.2@sha256:<digest>",
    pss: None,
    // Examples run with the allowlist [registry.example.com].
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: docker.io/someone/tool:1.0  # expect: image/registry-allowlist
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  initContainers:
                  # A look-alike host is another registry.
                  - name: migrate
                    image: registry.example.com.attacker.io/web-migrate:1.4.2  # expect: image/registry-allowlist
                  containers:
                  # No registry means Docker Hub.
                  - name: web
                    image: nginx:1.27  # expect: image/registry-allowlist
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
                image: registry.example.com/team/app:1.0
        "#},
        indoc! {r#"
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: migrate
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  # Host names are case-insensitive.
                  - name: migrate
                    image: Registry.Example.com/team/migrate:1.4.2@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7
        "#},
    ],
    check: |object, hits| {
        // Cloned: the closure below also needs `hits`.
        let allowed = hits.options().allowed_registries.clone();
        if allowed.is_empty() {
            return;
        }
        each_image(object, |pod, c, image, span| {
            let reference = ImageRef::parse(image);
            let full = reference.full_name();
            let ok = allowed.iter().any(|a| {
                let a = a.trim_end_matches('/');
                let host_len = a.find('/').unwrap_or(a.len());
                let a = text!("{}{}", a[..host_len].to_ascii_lowercase(), &a[host_len..]);
                full == a || full.starts_with(&text!("{a}/"))
            });
            if !ok {
                hits.at(
                    span,
                    text!(
                        "{} image {image:?} comes from {}, which is not an allowed registry",
                        c.label(),
                        reference.registry
                    ),
                )
                .fix(container_fix(pod, c, REGISTRY_ALLOWLIST.snippet));
            }
        })
    },
};

pub static PULL_POLICY: Rule = Rule {
    id: "image/pull-policy",
    family: Family::Image,
    title: "Pull policy does not fit a mutable tag",
    severity: Severity::Low,
    practice: Practice::ImagePolicy,
    rationale: "With latest (or no tag), IfNotPresent or Never keeps whatever version a node pulled \
        first: nodes run different code under the same name, and a fixed image never arrives. \
        Kubernetes defaults latest to Always for this reason.",
    references: &[IMAGES_DOC],
    cis: &[],
    sources: &[kubescape("C-0075")],
    kinds: kinds::WORKLOADS,
    remediation: "Pin a version (or digest) and keep IfNotPresent, or use imagePullPolicy: Always with a mutable tag.",
    snippet: "imagePullPolicy: Always",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: nginx
                imagePullPolicy: IfNotPresent  # expect: image/pull-policy
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
                    image: registry.example.com/web:latest
                    imagePullPolicy: Never  # expect: image/pull-policy
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
                image: nginx:1.27.2
                imagePullPolicy: IfNotPresent
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
                    image: registry.example.com/web:latest
                    imagePullPolicy: Always
                  # Unset, latest defaults to Always.
                  - name: proxy
                    image: envoyproxy/envoy
                  # Pinned by digest, the tag cannot move.
                  - name: cache
                    image: redis:latest@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7
                    imagePullPolicy: IfNotPresent
        "#},
    ],
    check: |object, hits| {
        each_image(object, |pod, c, image, _| {
            let Some(policy) = c.node.entry("imagePullPolicy") else { return };
            let value = policy.value.as_str().unwrap_or("");
            if ImageRef::parse(image).mutable_latest() && matches!(value, "IfNotPresent" | "Never") {
                let edit = hits.editor().replace(&policy.value, &crate::fix::Scalar::str("Always"));
                hits.at(
                    policy.span(),
                    text!("{} pulls the mutable image {image:?} with imagePullPolicy {value}", c.label()),
                )
                .fix(container_fix(pod, c, PULL_POLICY.snippet))
                .edit(edit);
            }
        })
    },
};

pub static RULES: &[&Rule] = &[&LATEST_TAG, &NOT_PINNED, &REGISTRY_ALLOWLIST, &PULL_POLICY];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_image_references_as_docker_does() {
        let p = ImageRef::parse;
        assert_eq!(p("nginx"), ImageRef { registry: "docker.io", repository: "nginx", tag: None, digest: None });
        assert_eq!(p("nginx:1.27").tag, Some("1.27"));
        assert_eq!(p("localhost:5000/app").registry, "localhost:5000");
        assert_eq!(p("localhost:5000/app").tag, None);
        assert_eq!(p("ghcr.io/org/app:v1@sha256:abc").digest, Some("sha256:abc"));
        assert_eq!(p("ghcr.io/org/app:v1@sha256:abc").tag, Some("v1"));
        assert_eq!(p("someone/tool:1.0").registry, "docker.io");
        assert_eq!(p("registry.example.com/team/app").repository, "team/app");
        assert_eq!(p("nginx").full_name(), "docker.io/library/nginx");
        assert_eq!(p("Registry.Example.com/team/app").full_name(), "registry.example.com/team/app");
    }
}
