//! Files that are not manifests yet: Helm templates (recognised before
//! parsing, so that template actions never become a cascade of YAML
//! errors), Helm `Chart.yaml` and `values.yaml`, and kustomize's
//! `kustomization.yaml`, explained rather than reported as broken objects;
//! and, in rendered `helm template` output, the `# Source:` comment naming
//! the template each document came from.

use std::borrow::Cow;
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
    /// Some document has a `# Source:` comment (most inputs have none:
    /// [`Scan::source_at`] is then asked for every document of every check
    /// of the incremental engine without a search).
    sourced: bool,
}

#[derive(Debug)]
struct Chunk {
    range: Range<usize>,
    /// The line (1-based) its text starts on.
    line: u32,
    /// Its lines holding template actions, and from the start of the first
    /// to the end of the last.
    actions: Vec<u32>,
    action_bytes: Range<usize>,
    source: Option<String>,
}

impl Chunk {
    fn new(start: usize, line: u32) -> Self {
        Chunk { range: start..start, line, actions: Vec::new(), action_bytes: 0..0, source: None }
    }

    fn templated(&self) -> bool {
        !self.actions.is_empty()
    }
}

/// Words that only a Helm (Go text/template with Sprig) action uses.
const HELM_WORDS: [&str; 10] =
    [".Values", ".Release", ".Chart", ".Capabilities", ".Files", "include ", "template ", "toYaml", "nindent", "tpl "];

impl Scan {
    pub fn new(text: &[u8]) -> Scan {
        let mut scan = Scan { chunks: scan_chunks(text, 0, 1, false, |_| false).0, ..Scan::default() };
        scan.sum_actions();
        scan
    }

    /// Brings the scan up to date after `range` of the text it was made
    /// from became `inserted` bytes, now `text`: the chunks from the one
    /// before the edit up to the first `---` line after it, whose chunk is
    /// unchanged, are scanned again; the rest are moved.
    pub fn edit(&mut self, text: &[u8], range: Range<usize>, inserted: usize) {
        let shift = inserted as isize - range.len() as isize;
        // The chunk before the one holding the edit starts on a `---` line
        // the edit did not touch (or at the start), where scanning starts
        // afresh.
        let holding = self.chunks.partition_point(|c| c.range.end <= range.start).min(self.chunks.len() - 1);
        let first = holding.saturating_sub(1);
        let start = self.chunks[first].range.start;
        let line = self.chunks[first].line;
        // An old chunk starting at or after the edit's end is unchanged.
        let kept_from = self.chunks.partition_point(|c| c.range.start < range.end);
        let old_starts = &self.chunks[kept_from..];
        let edited_end = range.start + inserted;
        let unchanged = |at: usize| {
            at >= edited_end
                && at
                    .checked_add_signed(-shift)
                    .is_some_and(|old| old_starts.binary_search_by_key(&old, |c| c.range.start).is_ok())
        };
        let (fresh, stop) = scan_chunks(text, start, line, first > 0, unchanged);
        let kept = match stop {
            Some(at) => {
                // The last chunk starting there (the first chunk, empty,
                // also starts at 0 when the text starts with `---`).
                let old = at.wrapping_add_signed(-shift);
                let from = self.chunks.partition_point(|c| c.range.start <= old) - 1;
                let lines = i64::from(line_at(text, &fresh, at)) - i64::from(self.chunks[from].line);
                let mut kept = self.chunks.split_off(from);
                for chunk in &mut kept {
                    chunk.range =
                        chunk.range.start.wrapping_add_signed(shift)..chunk.range.end.wrapping_add_signed(shift);
                    chunk.line = (i64::from(chunk.line) + lines) as u32;
                    if chunk.templated() {
                        chunk.action_bytes = chunk.action_bytes.start.wrapping_add_signed(shift)
                            ..chunk.action_bytes.end.wrapping_add_signed(shift);
                        for l in &mut chunk.actions {
                            *l = (i64::from(*l) + lines) as u32;
                        }
                    }
                }
                kept
            }
            None => Vec::new(),
        };
        self.chunks.truncate(first);
        self.chunks.extend(fresh);
        self.chunks.extend(kept);
        self.sum_actions();
    }

    /// The whole text's action lines and bytes, from its chunks'.
    fn sum_actions(&mut self) {
        self.action_lines = self.chunks.iter().flat_map(|c| c.actions.iter().copied()).collect();
        let mut templated = self.chunks.iter().filter(|c| c.templated());
        self.action_bytes = match (templated.next(), templated.next_back()) {
            (Some(first), last) => first.action_bytes.start..last.unwrap_or(first).action_bytes.end,
            (None, _) => 0..0,
        };
        self.sourced = self.chunks.iter().any(|c| c.source.is_some());
    }

    /// Whether the file is a Helm template.
    pub fn is_template(&self) -> bool {
        !self.action_lines.is_empty()
    }

    /// The one message for a template file.
    pub fn message(&self) -> String {
        let (first, last) = (self.action_lines[0], self.action_lines[self.action_lines.len() - 1]);
        let lines = if first == last {
            text!("line {first} holds a template action")
        } else {
            text!("lines {first}–{last} hold template actions")
        };
        text!(
            "Helm template: render it first, e.g. `helm template <release> <chart>`, and check the output; {lines} \
             (documents without any are still checked)"
        )
    }

    fn chunk(&self, offset: usize) -> Option<&Chunk> {
        // The chunks are in text order and do not overlap: a binary search
        // (a stream can have tens of thousands of documents).
        let i = self.chunks.partition_point(|c| c.range.end <= offset);
        self.chunks.get(i).filter(|c| c.range.contains(&offset)).or(self.chunks.last())
    }

    /// Whether the document at this byte offset holds template actions (so
    /// it cannot be read soundly before rendering).
    pub fn templated_at(&self, offset: usize) -> bool {
        self.is_template() && self.chunk(offset).is_some_and(Chunk::templated)
    }

    /// The Helm `# Source:` of the document at this byte offset.
    pub fn source_at(&self, offset: usize) -> Option<&str> {
        if !self.sourced {
            return None;
        }
        self.chunk(offset)?.source.as_deref()
    }
}

/// The line (1-based) at `at`, the end of the last of `chunks`, scanned
/// from the text.
fn line_at(text: &[u8], chunks: &[Chunk], at: usize) -> u32 {
    let last = chunks.last().expect("a chunk");
    let breaks = text[last.range.start..at].iter().filter(|&&b| b == b'\n').count();
    last.line + breaks as u32
}

/// Scans `text` from `start` on line `line` into chunks: from the start of
/// the text, or (`at_marker`) from the `---` line starting a chunk. Stops
/// before the first `---` line after that at an offset `stop` accepts, and
/// returns that offset.
fn scan_chunks(
    text: &[u8],
    start: usize,
    line: u32,
    at_marker: bool,
    stop: impl Fn(usize) -> bool,
) -> (Vec<Chunk>, Option<usize>) {
    let mut chunks = Vec::new();
    let mut chunk = Chunk::new(start, line);
    // Block scalars (`key: |`) hold text, where `{{ }}` is data (an
    // alerting template), unless it is plainly Helm's.
    let mut block: Option<usize> = None;
    let mut leading = true;
    let body = &text[start..];
    let mut skip = Skip::default();
    // The line read next: where it starts in `body`, and its number.
    let (mut from, mut n) = (0, line);
    while from < body.len() {
        if !leading && block.is_none() && !reads_every_line() {
            // Only a few lines can change anything now: the lines before
            // the next one are passed by without being cut, only their
            // breaks counted.
            let next = skip.next_line(body, from);
            n += memchr::memchr_iter(b'\n', &body[from..next]).count() as u32;
            from = next;
            if from == body.len() {
                break;
            }
        }
        let end = memchr::memchr(b'\n', &body[from..]).map_or(body.len(), |i| from + i + 1);
        let (raw, offset, number) = (&body[from..end], start + from, n);
        (from, n) = (end, n + 1);
        if let Some(indent) = plain_line(raw) {
            // What the full reading below would do with this line.
            if let Some(indent) = indent {
                leading = false;
                if block.is_some_and(|b| indent <= b) {
                    block = None;
                }
            }
            continue;
        }
        let line = std::str::from_utf8(raw).map_or_else(|_| String::from_utf8_lossy(raw), Cow::Borrowed);
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let indent = body.len() - trimmed.len();
        if body.starts_with("---") && body[3..].chars().next().is_none_or(char::is_whitespace) {
            if offset == start && at_marker {
                // The marker of the chunk begun above.
                continue;
            }
            if offset > start && stop(offset) {
                chunk.range.end = offset;
                chunks.push(chunk);
                return (chunks, Some(offset));
            }
            chunk.range.end = offset;
            chunks.push(std::mem::replace(&mut chunk, Chunk::new(offset, number)));
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
                if chunk.actions.is_empty() {
                    chunk.action_bytes.start = offset + indent;
                }
                chunk.actions.push(number);
                chunk.action_bytes.end = offset + body.len();
            }
            if block.is_none() && opens_block(trimmed) {
                block = Some(indent);
            }
        }
    }
    chunk.range.end = start + body.len();
    chunks.push(chunk);
    (chunks, None)
}

/// Whether the scan reads every line, as it did before it skipped plain
/// ones (tests compare the two).
#[cfg(test)]
fn reads_every_line() -> bool {
    tests::READ_EVERY_LINE.with(std::cell::Cell::get)
}

#[cfg(not(test))]
fn reads_every_line() -> bool {
    false
}

/// Finds the next line that still tells something once a document's
/// leading comments are past and no block scalar is open: one that may
/// hold a template action (`{{`) or open a block scalar (`|`, `>`), found
/// a vector's width at a time, or the next `---` line, found once for
/// every line up to it. Every other line would only end what is already
/// ended (comments, non-ASCII text and flow mappings included).
struct Skip {
    markers: memchr::memmem::Finder<'static>,
    /// The start of the first line starting with `---` at or after the
    /// last place asked about (the end of the text if there is none).
    marker: Option<usize>,
}

impl Default for Skip {
    fn default() -> Self {
        Skip { markers: memchr::memmem::Finder::new(b"\n---"), marker: None }
    }
}

impl Skip {
    /// The start of the first such line at or after `from` (a line start),
    /// or the end of `body`.
    fn next_line(&mut self, body: &[u8], from: usize) -> usize {
        let marker = match self.marker {
            Some(marker) if marker >= from => marker,
            _ => {
                let found = if body[from..].starts_with(b"---") {
                    from
                } else {
                    self.markers.find(&body[from..]).map_or(body.len(), |i| from + i + 1)
                };
                *self.marker.insert(found)
            }
        };
        match first_telling(&body[..marker], from) {
            Some(at) => memchr::memrchr(b'\n', &body[from..at]).map_or(from, |i| from + i + 1),
            None => marker,
        }
    }
}

/// Where the first `{{`, `|` or `>` of `bytes` at or after `from` is.
fn first_telling(bytes: &[u8], mut from: usize) -> Option<usize> {
    let telling = |b: u8| (b == b'{') | (b == b'|') | (b == b'>');
    loop {
        // Blocks of 32 without one, passed a vector's width at a time: one
        // or-fold per byte sought (the three compares in one fold are
        // turned into a table lookup that does not vectorise).
        while let Some(block) = bytes.get(from..from + 32) {
            let block: &[u8; 32] = block.try_into().unwrap_or(&[0; 32]);
            let holds = |sought: u8| block.iter().fold(false, |found, &b| found | (b == sought));
            if holds(b'{') | holds(b'|') | holds(b'>') {
                break;
            }
            from += 32;
        }
        let at = from + bytes[from..].iter().position(|&b| telling(b))?;
        // A flow mapping's `{` alone (`resources: {}`) is not an action.
        if bytes[at] != b'{' || bytes.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
}

/// Most lines of a manifest: ASCII, not a `---` marker, no comment, no
/// `{` (no template action) and no `|` or `>` (no block scalar). Read as
/// bytes, without the string and searches the other lines take, such a line
/// only ends leading comments and block scalars: `Some(Some(indent))` for
/// one with text, `Some(None)` for a blank one, `None` for any other line.
fn plain_line(raw: &[u8]) -> Option<Option<usize>> {
    // Or-ed over the whole line rather than stopping at the first: the
    // loop then runs a vector's width at a time.
    let special = |b: u8| !b.is_ascii() | (b == b'{') | (b == b'|') | (b == b'>') | (b == b'#');
    if raw.starts_with(b"---") || raw.iter().fold(false, |found, &b| found | special(b)) {
        return None;
    }
    // `char::is_whitespace` on ASCII, as `trim_start` counts it.
    let indent = raw.iter().position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'));
    Some(indent)
}

/// `key: |`, `key: >-`, `- |`: the start of a block scalar.
fn opens_block(line: &str) -> bool {
    // Most lines hold neither indicator (this runs on every line).
    if !line.bytes().any(|b| b == b'|' || b == b'>') {
        return false;
    }
    let line = line.split(" #").next().unwrap_or(line).trim_end();
    let Some(last) = line.rsplit([' ', ':']).next() else { return false };
    let before = &line[..line.len() - last.len()];
    (before.ends_with(": ") || before.ends_with("- ") || before.is_empty())
        && matches!(last.chars().next(), Some('|' | '>'))
        && last[1..].chars().all(|c| matches!(c, '-' | '+' | '0'..='9'))
}

/// Whether a line holds a Helm template action: `{{-`/`-}}`, an action
/// using Helm's objects or functions, or `{{` outside a quoted scalar and
/// outside a block scalar.
fn is_action(line: &str, in_block: bool) -> bool {
    if !line.contains('{') {
        return false;
    }
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

    thread_local! {
        pub(super) static READ_EVERY_LINE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// A number below `n`, drawn by xorshift from `seed` on: the tests'
    /// random texts, the same every run.
    fn below_from(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        }
    }

    /// Fewer than `most` of `pieces`, drawn at random and laid end to end.
    fn random_text(pieces: &[&[u8]], most: usize, below: &mut impl FnMut(usize) -> usize) -> Vec<u8> {
        let count = below(most);
        (0..count).flat_map(|_| pieces[below(pieces.len())].iter().copied()).collect()
    }

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

    /// Plain lines passed by unread leave the scan as reading each does:
    /// random texts of markers, comments, sources, actions in and out of
    /// block scalars, long plain lines and non-ASCII text.
    #[test]
    fn skipping_plain_lines_reads_as_every_line() {
        let pieces: [&[u8]; 20] = [
            b"a: >\n  {{ $x }}\n",
            b"  resources: {}\n",
            b"  a: {b: {c: 1}} {",
            b"{\n",
            b"---\n",
            b"--- # c\n",
            b"----\n",
            b"# Source: t/a.yaml\n",
            b"  # note {{ x }}\n",
            b"x: {{ .Values.a }}\n",
            b"  y: \"{{ $a }}\"\n",
            b"{{- end }}\n",
            b"key: |\n",
            b"  text {{ $labels.a }}\n",
            b"kind: Pod\n",
            b"metadata:\n  name: a-rather-long-name-for-one-plain-line-of-text\n",
            b"  \n",
            b"\xC3\xA9: 1\n",
            b"a: >-\n  b\nc: d\n",
            b"z: 1",
        ];
        let mut below = below_from(0x9E37_79B9_7F4A_7C15u64);
        for _ in 0..2000 {
            let text = random_text(&pieces, 40, &mut below);
            let skipping = text!("{:?}", Scan::new(&text));
            READ_EVERY_LINE.with(|every| every.set(true));
            let reading = text!("{:?}", Scan::new(&text));
            READ_EVERY_LINE.with(|every| every.set(false));
            assert_eq!(skipping, reading, "{:?}", String::from_utf8_lossy(&text));
        }
    }

    /// A scan brought up to date after random edits equals a scan of the
    /// edited text.
    #[test]
    fn edited_scans_equal_new_ones() {
        let pieces: [&[u8]; 12] = [
            b"---\n",
            b"--",
            b"-",
            b"\n",
            b"# Source: t/a.yaml\n",
            b"x: {{ .Values.a }}\n",
            b"{{",
            b"}}",
            b"key: |\n",
            b"  ",
            b"kind: Pod\n",
            b"\xC3\xA9",
        ];
        let mut below = below_from(0x2545_F491_4F6C_DD1Du64);
        for _ in 0..200 {
            let mut text = random_text(&pieces, 30, &mut below);
            let mut scan = Scan::new(&text);
            for _ in 0..30 {
                let start = below(text.len() + 1);
                let end = (start + below(12)).min(text.len());
                let inserted = random_text(&pieces, 3, &mut below);
                text.splice(start..end, inserted.iter().copied());
                scan.edit(&text, start..end, inserted.len());
                assert_eq!(text!("{scan:?}"), text!("{:?}", Scan::new(&text)), "{:?}", String::from_utf8_lossy(&text));
            }
        }
    }
}
