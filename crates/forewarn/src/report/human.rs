//! The human report: a one-screen summary first (what, how severe, where), then, unless spoiler-free,
//! a short quote per passage. Colour only when the caller says the output is a terminal.

use std::io::{self, Write};

use super::{LabelReport, PassageRef, Report};
use crate::taxonomy::Severity;

/// Passages quoted per label before "and N more".
const QUOTES_PER_LABEL: usize = 5;

/// How to print.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// Use ANSI colour.
    pub color: bool,
}

fn paint(on: bool, code: &str, text: &str) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn severity_code(s: Severity) -> &'static str {
    match s {
        Severity::Mention => "33",
        Severity::Depiction => "35",
        Severity::Graphic => "1;31",
    }
}

/// "ch 1 ¶3–7, ¶12; ch 2 ¶1": paragraph numbers grouped by chapter, runs collapsed.
pub fn locations(passages: &[PassageRef]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < passages.len() {
        let ch = passages[i].chapter;
        let mut runs: Vec<String> = Vec::new();
        while i < passages.len() && passages[i].chapter == ch {
            let start = passages[i].paragraph;
            let mut end = start;
            while i + 1 < passages.len() && passages[i + 1].chapter == ch && passages[i + 1].paragraph == end + 1 {
                end += 1;
                i += 1;
            }
            runs.push(if end > start { format!("¶{start}–{end}") } else { format!("¶{start}") });
            i += 1;
        }
        parts.push(format!("ch {ch} {}", runs.join(", ")));
    }
    parts.join("; ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes the human report.
pub fn write(out: &mut dyn Write, r: &Report, opts: HumanOptions) -> io::Result<()> {
    let c = opts.color;
    let title = r.work.meta.title.as_deref().map(|t| format!(" \"{t}\"")).unwrap_or_default();
    writeln!(
        out,
        "{}{title} ({}, {}, {}, {})",
        paint(c, "1", &r.work.id),
        r.work.format,
        plural(r.work.words, "word", "words"),
        plural(r.work.chapters, "chapter", "chapters"),
        plural(r.work.paragraphs, "paragraph", "paragraphs"),
    )?;
    for n in &r.notices {
        writeln!(out, "  note: {n}")?;
    }
    if r.labels.is_empty() {
        writeln!(out, "  No content warnings found by {}.", r.detector)?;
        return Ok(());
    }
    let width = r.labels.iter().map(|l| l.label.len()).max().unwrap_or(0).max(8);
    writeln!(out, "  {} content {} found by {}:", r.labels.len(), if r.labels.len() == 1 { "warning" } else { "warnings" }, r.detector)?;
    for l in &r.labels {
        writeln!(
            out,
            "  {}  {}  {:>4.0}%  {}",
            paint(c, "1", &format!("{:<width$}", l.label)),
            paint(c, severity_code(l.severity), &format!("{:<9}", l.severity.as_str())),
            l.confidence * 100.0,
            locations(&l.passages),
        )?;
    }
    if r.spoiler_free {
        writeln!(out, "  (spoiler-free: no quotes)")?;
        return Ok(());
    }
    writeln!(out)?;
    for l in &r.labels {
        write_quotes(out, l, c)?;
    }
    Ok(())
}

fn write_quotes(out: &mut dyn Write, l: &LabelReport, c: bool) -> io::Result<()> {
    writeln!(out, "  {} ({})", paint(c, "1", &l.label), l.severity)?;
    for p in l.passages.iter().take(QUOTES_PER_LABEL) {
        let loc = format!("ch {} ¶{}", p.chapter, p.paragraph);
        let sev = paint(c, severity_code(p.severity), &format!("{:<9}", p.severity.as_str()));
        writeln!(out, "    {loc:<12} {sev} {}", p.quote.as_deref().unwrap_or(""))?;
    }
    if l.passages.len() > QUOTES_PER_LABEL {
        writeln!(out, "    … and {} more (all are in --format json)", l.passages.len() - QUOTES_PER_LABEL)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(chapter: usize, paragraph: usize) -> PassageRef {
        PassageRef { chapter, chapter_title: None, paragraph, index: 0, bytes: [0, 0], severity: Severity::Mention, score: 1.0, quote: None, evidence: None }
    }

    #[test]
    fn locations_collapse_runs() {
        let ps = vec![p(1, 3), p(1, 4), p(1, 5), p(1, 9), p(2, 1)];
        assert_eq!(locations(&ps), "ch 1 ¶3–5, ¶9; ch 2 ¶1");
    }
}
