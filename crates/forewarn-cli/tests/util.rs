//! Helpers for the CLI tests: run the binary, find the shared data, write temporary inputs.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The shared folder beside the repository (`FOREWARN_SHARED` overrides).
pub fn shared() -> PathBuf {
    if let Some(p) = std::env::var_os("FOREWARN_SHARED") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

pub fn seed() -> PathBuf {
    shared().join("seeds/000_d6304b31301b4169.txt")
}

/// Runs `forewarn` with `args`, feeding `stdin`.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forewarn"));
    cmd.args(args).env("NO_COLOR", "1").stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("forewarn runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally, not by a signal")
}

/// Scans `path` and parses the JSON report.
pub fn json_report(path: &str) -> serde_json::Value {
    let o = run(&["scan", "--format", "json", path], None);
    assert_eq!(code(&o), 0, "stderr: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

/// The labels of a report, with their passages' paragraph indices and severities.
pub fn labels(report: &serde_json::Value) -> Vec<(String, String, Vec<(u64, String)>)> {
    report["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let passages = l["passages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p["index"].as_u64().unwrap(), p["severity"].as_str().unwrap().to_string()))
                .collect();
            (l["label"].as_str().unwrap().to_string(), l["severity"].as_str().unwrap().to_string(), passages)
        })
        .collect()
}

/// Writes `bytes` to a file named `name` in a fresh temporary directory.
pub fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}
