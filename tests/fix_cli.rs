//! `posture fix` on the command line: in place, --diff, stdin, exit codes.

use std::io::Write;
use std::process::{Command, Stdio};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  automountServiceAccountToken: false\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  # the app\n  - name: app\n    image: registry.example.com/app:1.0\n    resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {memory: 1Mi}}\n";

fn posture(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn stdin_to_stdout() {
    let (code, out, err) = posture(&["fix", "--select", "pss", "-"], Some(POD));
    assert!(out.starts_with("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"), "{out}");
    assert!(out.contains("      allowPrivilegeEscalation: false\n"), "{out}");
    assert!(out.contains("seccompProfile:\n      type: RuntimeDefault"), "{out}");
    assert!(err.contains("fixed -:11 pss/allow-privilege-escalation (safe)"), "{err}");
    // Unsafe ones (drop ALL) are left without --unsafe.
    assert_eq!(code, 1, "{err}");
    let (code, out2, _) = posture(&["fix", "--select", "pss", "--unsafe", "-"], Some(&out));
    assert_eq!(code, 0);
    assert!(out2.contains("drop: [ALL]"));
    let (code, out3, _) = posture(&["fix", "--select", "pss", "--unsafe", "-"], Some(&out2));
    assert_eq!((code, out3.as_str()), (0, out2.as_str()), "a second run changes nothing");
}

#[test]
fn in_place_and_diff() {
    let dir = std::env::temp_dir().join(format!("posture-fix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pod.yaml");
    std::fs::write(&file, POD).unwrap();
    let path = file.to_str().unwrap();
    let (code, out, _) = posture(&["fix", "--diff", "--select", "pss/allow-privilege-escalation", path], None);
    assert_eq!(code, 1);
    assert!(out.contains("+    securityContext:\n+      allowPrivilegeEscalation: false\n"), "{out}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), POD, "--diff writes nothing");
    let (code, out, _) = posture(&["fix", "--select", "pss/allow-privilege-escalation", path], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("fixed "), "{out}");
    let fixed = std::fs::read_to_string(&file).unwrap();
    assert_eq!(fixed, format!("{POD}    securityContext:\n      allowPrivilegeEscalation: false\n"));
    // Input errors: exit 2, nothing written.
    std::fs::write(&file, "a: [\n").unwrap();
    let (code, _, err) = posture(&["fix", path], None);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "a: [\n");
    std::fs::remove_dir_all(&dir).unwrap();
}
