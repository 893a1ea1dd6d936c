//! Files that are not manifests yet: Helm templates (recognised before
//! parsing, so that template actions never become a cascade of YAML
//! errors), Helm `Chart.yaml` and `values.yaml`, and kustomize's
//! `kustomization.yaml`, explained rather than reported as broken objects;
//! and, in rendered `helm template` output, the `# Source:` comment naming
//! the template each document came from.

use std::ops::Range;

use crate::yaml::Node;

/// What a file's text says about templating, found before parsing.
#[derive(Debug, Default)]
pub struct Scan {
    /// Lines (1-based) holding Helm template actions.
    pub action_lines: Vec<u32>,
    /// From the start of the first such line to the end of the last.
    pub action_bytes: Range<usize>,
    /// Byte ranges of the documents (cut at `---` lines, as the parser
    /// does), with whether each holds a template action and its Helm
    /// `# Source:` comment.
    chunks: Vec<Chunk>,
}

#[derive(Debug)]
struct Chunk {
    range: Range<usize>,
    templated: bool,
    source: Option<String>,
}

/// Words that only a Helm (Go text/template with Sprig) action uses.
const HELM_WORDS: [&str; 10] =
    [".Values", ".Release", ".Chart", ".Capabilities", ".Files", "include ", "template ", "toYaml", "nindent", "tpl "];

impl Scan {
    pub fn new(text: &[u8]) -> Scan {
        let mut scan = Scan::default();
        let mut chunk_start = 0;
        let mut chunk = Chunk { range: 0..0, templated: false, source: None };
        let mut offset = 0;
        // Block scalars (`key: |`) hold text, where `{{ }}` is data (an
        // alerting template), unless it is plainly Helm's.
        let mut block: Option<usize> = None;
        let mut leading = true;
        for (n, raw) in (1u32..).zip(text.split_inclusive(|&b| b == b'\n')) {
            let line = String::from_utf8_lossy(raw);
            let body = line.trim_end_matches(['\n', '\r']);
            let trimmed = body.trim_start();
            let indent = body.len() - trimmed.len();
            if body.starts_with("---") && body[3..].chars().next().is_none_or(char::is_whitespace) {
                chunk.range = chunk_start..offset;
                scan.chunks.push(std::mem::replace(&mut chunk, Chunk { range: 0..0, templated: false, source: None }));
                chunk_start = offset;
                block = None;
                leading = true;
            } else if trimmed.starts_with('#') {
                if leading && chunk.source.is_none() {
                    if let Some(source) = trimmed.strip_prefix("# Source: ") {
                        chunk.source = Some(source.trim().to_owned());
                    }
                }
            } else if !trimmed.is_empty() {
                leading = false;
                if block.is_some_and(|b| indent <= b) {
                    block = None;
                }
                if is_action(trimmed, block.is_some()) {
                    if scan.action_lines.is_empty() {
                        scan.action_bytes.start = offset + indent;
                    }
                    scan.action_lines.push(n);
                    scan.action_bytes.end = offset + body.len();
                    chunk.templated = true;
                }
                if block.is_none() && opens_block(trimmed) {
                    block = Some(indent);
                }
            }
            offset += raw.len();
        }
        chunk.range = chunk_start..offset;
        scan.chunks.push(chunk);
        scan
    }

    /// Whether the file is a Helm template.
    pub fn is_template(&self) -> bool {
        !self.action_lines.is_empty()
    }

    /// The one message for a template file.
    pub fn message(&self) -> String {
        let (first, last) = (self.action_lines[0], self.action_lines[self.action_lines.len() - 1]);
        let lines = if first == last {
            format!("line {first} holds a template action")
        } else {
            format!("lines {first}–{last} hold template actions")
        };
        format!(
            "Helm template: render it first, e.g. `helm template <release> <chart>`, and check the output; {lines} \
             (documents without any are still checked)"
        )
    }

    fn chunk(&self, offset: usize) -> Option<&Chunk> {
        self.chunks.iter().find(|c| c.range.contains(&offset)).or(self.chunks.last())
    }

    /// Whether the document at this byte offset holds template actions (so
    /// it cannot be read soundly before rendering).
    pub fn templated_at(&self, offset: usize) -> bool {
        self.is_template() && self.chunk(offset).is_some_and(|c| c.templated)
    }

    /// The Helm `# Source:` of the document at this byte offset.
    pub fn source_at(&self, offset: usize) -> Option<&str> {
        self.chunk(offset)?.source.as_deref()
    }
}

/// `key: |`, `key: >-`, `- |`: the start of a block scalar.
fn opens_block(line: &str) -> bool {
    let line = line.split(" #").next().unwrap_or(line).trim_end();
    let Some(last) = line.rsplit([' ', ':']).next() else { return false };
    (line.ends_with(&format!(": {last}")) || line.ends_with(&format!("- {last}")) || line == last)
        && matches!(last.chars().next(), Some('|' | '>'))
        && last[1..].chars().all(|c| matches!(c, '-' | '+' | '0'..='9'))
}

/// Whether a line holds a Helm template action: `{{-`/`-}}`, an action
/// using Helm's objects or functions, or `{{` outside a quoted scalar and
/// outside a block scalar.
fn is_action(line: &str, in_block: bool) -> bool {
    // `${{ ... }}` is a GitHub Actions expression, not a template action.
    let Some(open) = line.match_indices("{{").map(|(i, _)| i).find(|&i| !line[..i].ends_with('$')) else {
        return false;
    };
    if line.contains("{{-") || line.contains("-}}") {
        return true;
    }
    let inside = &line[open..];
    if HELM_WORDS.iter().any(|w| inside.contains(w)) {
        return true;
    }
    if in_block {
        return false;
    }
    // Quoted: an odd number of unescaped quotes of either kind before it.
    let before = &line[..open];
    let quotes = |q: char| before.chars().filter(|&c| c == q).count() % 2 == 1;
    !(quotes('"') || quotes('\''))
}

/// A document that is not a Kubernetes object but a file Posture knows:
/// what it is and how to get objects from it.
pub fn recognise(file: &str, root: &Node) -> Option<&'static str> {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let text = |key| root.get(key).and_then(Node::as_str);
    let kustomize_keys = ["resources", "bases", "patches", "patchesStrategicMerge", "components", "helmCharts"];
    if matches!(name, "kustomization.yaml" | "kustomization.yml" | "Kustomization")
        || (text("kind") == Some("Kustomization")
            && text("apiVersion").is_some_and(|v| v.starts_with("kustomize.config.k8s.io/")))
        || (text("kind").is_none() && kustomize_keys.iter().filter(|k| root.get(k).is_some()).count() >= 2)
    {
        return Some(
            "kustomize configuration (kustomization.yaml): it names resources and patches rather than \
             being objects; render it with `kustomize build <dir>` (or `kubectl kustomize <dir>`) and \
             check the output, where Posture checks every object it builds with the patches applied",
        );
    }
    if text("kind").is_none()
        && matches!(text("apiVersion"), Some("v1" | "v2"))
        && text("name").is_some()
        && root.get("version").is_some()
    {
        return Some(
            "Helm chart metadata (Chart.yaml): render the chart with `helm template <release> <chart-dir>` \
             and check the output, where Posture checks every object its templates make (each named by \
             Helm's `# Source:` comment)",
        );
    }
    if name.starts_with("values") && (name.ends_with(".yaml") || name.ends_with(".yml")) && text("kind").is_none() {
        return Some(
            "Helm values (values.yaml): settings the chart's templates read, not objects; check the \
             rendered chart, `helm template <release> <chart-dir> -f values.yaml`, where their effect shows",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_outside_quotes_and_helm_words_inside_them() {
        assert!(is_action("{{- if .Values.enabled }}", false));
        assert!(is_action("replicas: {{ .Values.replicas }}", false));
        assert!(is_action("image: \"{{ .Values.image.repository }}:{{ .Chart.AppVersion }}\"", false));
        assert!(is_action("name: {{ $fullname }}", false));
        assert!(!is_action("summary: \"{{ $labels.instance }} is down\"", false));
        assert!(!is_action("{{ $labels.instance }} is down", true));
        assert!(is_action("{{ toYaml .Values.resources | nindent 12 }}", true));
        assert!(!is_action("if: ${{ inputs.sarif == 'true' }}", false));
    }

    #[test]
    fn block_scalars() {
        assert!(opens_block("description: |"));
        assert!(opens_block("script: >-"));
        assert!(opens_block("- |2"));
        assert!(!opens_block("name: a|b"));
    }

    #[test]
    fn sources_and_templated_documents() {
        let text = b"---\n# Source: web/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\n---\n# Source: web/templates/deploy.yaml\nkind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n";
        let scan = Scan::new(text);
        assert_eq!(scan.action_lines, [9]);
        assert_eq!(scan.source_at(40), Some("web/templates/sa.yaml"));
        assert!(!scan.templated_at(40));
        assert!(scan.templated_at(text.len() - 3));
        assert_eq!(scan.source_at(text.len() - 3), Some("web/templates/deploy.yaml"));
    }
}
