//! Findings packed as bytes for the worker's answers to the playground (see
//! [`super::changes`]): the CLI's JSON repeats every finding's rule title,
//! remediation text and snippet, and names every key, so the first answer
//! for 10 MB of manifests was 36 MB of text that the worker wrote, the
//! browser copied twice (out of the worker, into the page's wasm) and the
//! page parsed. Packed, a finding is its numbers and the strings that are
//! its own: its rule and file by their place in a table, its object only
//! when it differs from the previous finding's, its snippet only when it is
//! not its rule's. The bytes go to the page as a transferred buffer and are
//! read straight into findings, with the page's rules (from `rules()`).
//!
//! Only the worker and the page of the same build read and write this: the
//! module's public `check()` and `changes()` stay the CLI's JSON.

use std::borrow::Cow;
use std::rc::Rc;

use crate::fix::{Applicability, Edit, Fix, FixState};
use crate::k8s::ObjectRef;
use crate::report::Finding;
use crate::rules::{Rule, Severity};
use crate::yaml::{Pos, Region};

/// The layout's number, the answer's first byte: a page and a worker of
/// different builds (one of them cached) refuse each other's bytes rather
/// than read them as other findings. Change it with the layout.
const FORMAT: u8 = 1;

/// Writes findings into bytes, each rule id and file name once.
pub struct Writer {
    out: Vec<u8>,
    rules: Vec<&'static str>,
    files: Vec<Rc<str>>,
    object: Option<Rc<ObjectRef>>,
}

impl Default for Writer {
    fn default() -> Self {
        Writer { out: vec![FORMAT], rules: Vec::new(), files: Vec::new(), object: None }
    }
}

impl Writer {
    pub fn finding(&mut self, f: &Finding) {
        let rule = self.rules.iter().position(|id| *id == f.rule.id);
        self.entry(rule, self.rules.len(), f.rule.id);
        if rule.is_none() {
            self.rules.push(f.rule.id);
        }
        let file = self.files.iter().position(|name| **name == *f.file);
        self.entry(file, self.files.len(), &f.file);
        if file.is_none() {
            self.files.push(f.file.clone());
        }
        self.number(Severity::ALL.iter().position(|s| *s == f.severity).unwrap_or(0));
        self.string(&f.message);
        self.number(f.document);
        if self.object.as_ref().is_some_and(|o| Rc::ptr_eq(o, &f.object) || **o == *f.object) {
            self.number(0);
        } else {
            self.number(1);
            self.string(&f.object.api_version);
            self.string(&f.object.kind);
            self.optional(f.object.name.as_deref());
            self.optional(f.object.namespace.as_deref());
            self.object = Some(f.object.clone());
        }
        for pos in [f.span.start, f.span.end] {
            self.number(pos.line as usize);
            self.number(pos.column as usize);
            self.number(pos.at());
        }
        self.optional(Some(&f.snippet).filter(|s| **s != *f.rule.snippet).map(|s| &**s));
        match &f.fix {
            None => self.number(0),
            Some(FixState::Ready(fix)) => {
                self.number(1);
                self.number(Applicability::ALL.iter().position(|a| *a == fix.applicability).unwrap_or(0));
                self.number(fix.edits.len());
                for edit in &fix.edits {
                    self.number(edit.start);
                    self.number(edit.end);
                    self.string(&edit.text);
                }
            }
            Some(FixState::Refused(reason)) => {
                self.number(2);
                self.string(reason);
            }
        }
        self.optional(f.source.as_deref());
    }

    pub fn finish(self) -> Vec<u8> {
        self.out
    }

    /// A table's entry: its index, or (one past the table's end) a new one's name.
    fn entry(&mut self, index: Option<usize>, next: usize, name: &str) {
        match index {
            Some(i) => self.number(i),
            None => {
                self.number(next);
                self.string(name);
            }
        }
    }

    /// LEB128: seven bits a byte, low first.
    fn number(&mut self, mut n: usize) {
        while n >= 0x80 {
            self.out.push(n as u8 | 0x80);
            n >>= 7;
        }
        self.out.push(n as u8);
    }

    fn string(&mut self, s: &str) {
        self.number(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }

    /// 0 for none, else the length plus one and the text.
    fn optional(&mut self, s: Option<&str>) {
        match s {
            None => self.number(0),
            Some(s) => {
                self.number(s.len() + 1);
                self.out.extend_from_slice(s.as_bytes());
            }
        }
    }
}

/// Reads findings from bytes, a few at a time if wanted (the page reads a
/// large answer across tasks), with each rule looked up by `rule`.
pub struct Reader<'b, R> {
    bytes: &'b [u8],
    at: usize,
    rule: R,
    rules: Vec<&'static Rule>,
    files: Vec<Rc<str>>,
    object: Option<Rc<ObjectRef>>,
}

impl<'b, R: Fn(&str) -> Option<&'static Rule>> Reader<'b, R> {
    pub fn new(bytes: &'b [u8], rule: R) -> Self {
        Reader { bytes, at: 0, rule, rules: Vec::new(), files: Vec::new(), object: None }
    }

    /// Whether every byte has been read.
    pub fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    /// Up to `most` more findings, appended to `out`.
    pub fn read(&mut self, most: usize, out: &mut Vec<Finding>) -> Result<(), String> {
        if self.at == 0 && !self.done() {
            if self.bytes[0] != FORMAT {
                return Err(self.error("bytes of another layout (a worker of another build)"));
            }
            self.at = 1;
        }
        for _ in 0..most {
            if self.done() {
                break;
            }
            out.push(self.finding()?);
        }
        Ok(())
    }

    fn finding(&mut self) -> Result<Finding, String> {
        let rule = match self.number()? {
            i if i < self.rules.len() => self.rules[i],
            i if i == self.rules.len() => {
                let id = self.str()?;
                let rule = (self.rule)(id).ok_or_else(|| format!("no rule {id} in this engine"))?;
                self.rules.push(rule);
                rule
            }
            _ => return Err(self.error("a rule not in the table")),
        };
        let file = match self.number()? {
            i if i < self.files.len() => self.files[i].clone(),
            i if i == self.files.len() => {
                let file: Rc<str> = Rc::from(self.str()?);
                self.files.push(file.clone());
                file
            }
            _ => return Err(self.error("a file not in the table")),
        };
        let severity = *Severity::ALL.get(self.number()?).ok_or_else(|| self.error("an unknown severity"))?;
        let message = self.str()?.to_owned();
        let document = self.number()?;
        let object = match (self.number()?, &self.object) {
            (0, Some(object)) => object.clone(),
            (1, _) => {
                let object = Rc::new(ObjectRef {
                    api_version: self.str()?.to_owned(),
                    kind: self.str()?.to_owned(),
                    name: self.optional()?.map(str::to_owned),
                    namespace: self.optional()?.map(str::to_owned),
                });
                self.object = Some(object.clone());
                object
            }
            _ => return Err(self.error("an object missing")),
        };
        let mut pos = || -> Result<Pos, String> {
            let line = u32::try_from(self.number()?).map_err(|_| self.error("a line out of range"))?;
            let column = u32::try_from(self.number()?).map_err(|_| self.error("a column out of range"))?;
            let offset = u32::try_from(self.number()?).map_err(|_| self.error("an offset out of range"))?;
            Ok(Pos { line, column, offset })
        };
        let span = Region { start: pos()?, end: pos()? };
        let snippet = match self.optional()? {
            None => Cow::Borrowed(rule.snippet),
            Some(own) => Cow::Owned(own.to_owned()),
        };
        let fix = match self.number()? {
            0 => None,
            1 => {
                let applicability =
                    *Applicability::ALL.get(self.number()?).ok_or_else(|| self.error("an unknown applicability"))?;
                let count = self.number()?;
                // Each edit takes at least three bytes: a count past them is not believed.
                let mut edits = Vec::with_capacity(count.min((self.bytes.len() - self.at) / 3));
                for _ in 0..count {
                    edits.push(Edit { start: self.number()?, end: self.number()?, text: self.str()?.to_owned() });
                }
                Some(FixState::Ready(Fix { applicability, edits }))
            }
            2 => Some(FixState::Refused(self.str()?.to_owned())),
            _ => return Err(self.error("an unknown fix")),
        };
        let source = self.optional()?.map(Rc::from);
        Ok(Finding { rule, severity, message, file, document, object, span, snippet, fix, source })
    }

    fn number(&mut self) -> Result<usize, String> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at).ok_or_else(|| self.error("the bytes end inside a number"))?;
            self.at += 1;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                break;
            }
            n |= bits << shift;
            if byte < 0x80 {
                return usize::try_from(n).map_err(|_| self.error("a number too large"));
            }
        }
        Err(self.error("a number too large"))
    }

    fn text(&mut self, length: usize) -> Result<&'b str, String> {
        let end = self.at.checked_add(length).filter(|&e| e <= self.bytes.len());
        let bytes = end.map(|e| &self.bytes[self.at..e]).ok_or_else(|| self.error("the bytes end inside a text"))?;
        let text = std::str::from_utf8(bytes).map_err(|_| self.error("a text that is not UTF-8"))?;
        self.at += length;
        Ok(text)
    }

    fn str(&mut self) -> Result<&'b str, String> {
        let length = self.number()?;
        self.text(length)
    }

    fn optional(&mut self) -> Result<Option<&'b str>, String> {
        match self.number()? {
            0 => Ok(None),
            n => self.text(n - 1).map(Some),
        }
    }

    fn error(&self, what: &str) -> String {
        format!("not packed findings: {what} at byte {}", self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;

    fn rule(id: &str) -> Option<&'static Rule> {
        crate::rules::all().iter().copied().find(|r| r.id == id)
    }

    fn pack(findings: &[Finding]) -> Vec<u8> {
        let mut writer = Writer::default();
        for f in findings {
            writer.finding(f);
        }
        writer.finish()
    }

    /// Every finding of the corpus (fixes, refused fixes, snippets of their
    /// own, several files), packed and read back a few at a time, is the
    /// same finding; and packed it is a small part of its JSON.
    #[test]
    fn findings_read_back_are_the_same_findings() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        let mut findings = Vec::new();
        for path in names.iter().filter(|p| p.extension().is_some_and(|x| x == "yaml")) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            findings.extend(crate::check(&name, &std::fs::read(path).unwrap(), &Options::default()).findings);
        }
        let insecure = include_bytes!("../../tests/data/insecure.yaml");
        findings.extend(crate::check("insecure.yaml", insecure, &Options::default()).findings);
        let helm = include_bytes!("../../tests/data/helm/rendered.yaml");
        findings.extend(crate::check("rendered.yaml", helm, &Options::default()).findings);
        // No input at hand has a fix refused: one finding is given one.
        let mut refused = findings[0].clone();
        refused.fix = Some(FixState::Refused("the edits overlap".into()));
        findings.push(refused);
        assert!(findings.iter().any(|f| matches!(f.fix, Some(FixState::Ready(_)))));
        assert!(findings.iter().any(|f| f.source.is_some()));
        assert!(findings.iter().any(|f| f.object.name.is_none() || f.object.namespace.is_none()));
        assert!(findings.iter().any(|f| f.snippet != f.rule.snippet));
        let bytes = pack(&findings);
        let mut reader = Reader::new(&bytes, rule);
        let mut read = Vec::new();
        while !reader.done() {
            reader.read(7, &mut read).unwrap();
        }
        assert_eq!(format!("{read:?}"), format!("{findings:?}"));
        let report = crate::Report { findings, ..Default::default() };
        let json = crate::report::to_json(&report);
        assert!(bytes.len() * 3 < json.len(), "{} bytes packed, {} of JSON", bytes.len(), json.len());
    }

    /// Bytes cut short, or changed, are refused (or read as other findings),
    /// never a panic.
    #[test]
    fn damaged_bytes_are_refused() {
        let report = crate::check("a.yaml", include_bytes!("../../tests/data/insecure.yaml"), &Options::default());
        let bytes = pack(&report.findings);
        for end in 0..bytes.len() {
            let mut reader = Reader::new(&bytes[..end], rule);
            let mut read = Vec::new();
            assert!(reader.read(usize::MAX, &mut read).is_err() || read.len() < report.findings.len());
        }
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0xff;
            let _ = Reader::new(&damaged, rule).read(usize::MAX, &mut Vec::new());
        }
        let unknown = Reader::new(&[FORMAT, 0, 2, b'n', b'o'], rule).read(1, &mut Vec::new());
        assert!(unknown.unwrap_err().contains("no rule no"));
        let mut other = bytes.clone();
        other[0] = FORMAT + 1;
        let refused = Reader::new(&other, rule).read(usize::MAX, &mut Vec::new());
        assert!(refused.unwrap_err().contains("another layout"));
        let huge = [0xff; 12];
        assert!(Reader::new(&huge, rule).number().is_err());
    }
}
