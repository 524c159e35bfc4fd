//! Machine-readable outputs: the JSON report (pretty) and JSON Lines (one compact report per work),
//! PAN 2023 lines (`{"work_id", "labels"}`), and gold-format lines (`{"id", "paragraphs"}`) that any
//! scorer of the gold dev set can read.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::json;

use super::Report;
use crate::taxonomy::Taxonomy;

/// Writes the report as pretty JSON followed by a newline.
pub fn write_json(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, r)?;
    writeln!(out)
}

/// Writes the report as one compact JSON line.
pub fn write_jsonl(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    serde_json::to_writer(&mut *out, r)?;
    writeln!(out)
}

/// The PAN 2023 label names of a report (every PAN name each found label maps to), sorted.
pub fn pan_labels(r: &Report, taxonomy: &Taxonomy) -> Vec<String> {
    let mut labels: Vec<String> = r
        .labels
        .iter()
        .filter_map(|l| taxonomy.find(&l.label))
        .flat_map(|id| taxonomy.label(id).pan23.iter().cloned())
        .collect();
    labels.sort();
    labels.dedup();
    labels
}

/// Writes one PAN 2023 output line.
pub fn write_pan(out: &mut dyn Write, r: &Report, taxonomy: &Taxonomy) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &json!({"work_id": r.work.id, "labels": pan_labels(r, taxonomy)}))?;
    writeln!(out)
}

/// Writes one gold-format line: per paragraph index, each label with its severity.
pub fn write_gold(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    let mut paragraphs: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    for l in &r.labels {
        for p in &l.passages {
            paragraphs.entry(p.index).or_default().insert(l.label.clone(), p.severity.as_str().to_string());
        }
    }
    let paragraphs: BTreeMap<String, BTreeMap<String, String>> = paragraphs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    serde_json::to_writer(&mut *out, &json!({"id": r.work.id, "paragraphs": paragraphs}))?;
    writeln!(out)
}

/// Writes an error record for a work that could not be read (JSON Lines batches):
/// `{"schema": "forewarn.error", "version": 1, "id": ..., "error": ...}`.
pub fn write_error(out: &mut dyn Write, id: Option<&str>, message: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &json!({"schema": "forewarn.error", "version": super::SCHEMA_VERSION, "id": id, "error": message}))?;
    writeln!(out)
}
