//! The batch runner: streams the units of every input through the engine in parallel chunks (rayon),
//! hands results back in input order, skips works already done (`--resume`), turns a failed or
//! panicking work into an error outcome and goes on, shows a progress bar on a terminal only, and
//! keeps the totals for the closing summary. Memory is bounded by one chunk of works at a time.

use std::collections::{BTreeMap, HashSet};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use forewarn::{Document, Engine, Error, ErrorKind, Finding, LabelId};

use crate::sources::{self, SourceOptions, Unit};

/// Works processed together in parallel before their results are handed back in order.
const CHUNK: usize = 64;

/// What happened to one work.
pub enum Outcome<R> {
    /// Read, scanned and rendered (by the caller's `render`, in a worker thread).
    Done(R),
    /// Could not be read; `id` names it when known.
    Failed { id: Option<String>, error: Error },
}

/// Totals of a run.
#[derive(Default)]
pub struct Stats {
    pub works: usize,
    pub flagged: usize,
    pub failed: usize,
    pub skipped: usize,
    pub bytes: u64,
    pub labels: BTreeMap<String, usize>,
    pub elapsed: Duration,
}

impl Stats {
    /// The closing line for stderr.
    pub fn summary(&self) -> String {
        let top: Vec<String> = self.labels.iter().map(|(l, n)| format!("{l} {n}")).collect();
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        format!(
            "{} works scanned, {} with warnings, {} failed{}, {:.1} MB in {:.1}s ({:.0} works/s){}",
            self.works,
            self.flagged,
            self.failed,
            if self.skipped > 0 { format!(", {} skipped as already done", self.skipped) } else { String::new() },
            self.bytes as f64 / 1e6,
            secs,
            self.works as f64 / secs,
            if top.is_empty() { String::new() } else { format!("; works per label: {}", top.join(", ")) }
        )
    }
}

/// Settings of one run.
pub struct Batch<'a> {
    pub engine: &'a Engine,
    pub sources: SourceOptions,
    pub threads: Option<usize>,
    /// Work ids to skip (already in the output).
    pub skip: HashSet<String>,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
}

fn progress_bar(total: u64, wanted: bool) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(4));
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}")
            .expect("valid template"),
    );
    bar
}

impl Batch<'_> {
    /// Runs every input in `paths`, calling `emit` for each outcome in input order.
    /// `render` turns a scanned work into what `emit` writes; it runs in the worker threads so that
    /// formatting is parallel too.
    pub fn run<R: Send>(
        &self,
        paths: &[std::path::PathBuf],
        render: impl Fn(&Document, &[Finding]) -> R + Sync,
        mut emit: impl FnMut(Outcome<R>, &mut Stats) -> anyhow::Result<()>,
    ) -> anyhow::Result<Stats> {
        let started = Instant::now();
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(n) = self.threads {
            anyhow::ensure!(n > 0, "--threads must be at least 1");
            pool = pool.num_threads(n);
        }
        let pool = pool.build()?;
        let files = sources::expand(paths);
        let total: u64 = files.iter().filter_map(|f| f.as_ref().ok()).filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
        let bar = progress_bar(total, self.progress);
        let opts = self.sources;
        let mut units = files.into_iter().flat_map(move |p| -> Box<dyn Iterator<Item = Unit> + Send> {
            match p {
                Ok(path) => sources::units(&path, opts),
                Err(e) => Box::new(std::iter::once(Unit::Failed(e))),
            }
        });
        let mut stats = Stats::default();
        loop {
            let mut chunk: Vec<Unit> = Vec::with_capacity(CHUNK);
            for u in units.by_ref() {
                if !self.skip.is_empty() && u.known_id().is_some_and(|id| self.skip.contains(&id)) {
                    stats.skipped += 1;
                    continue;
                }
                chunk.push(u);
                if chunk.len() == CHUNK {
                    break;
                }
            }
            if chunk.is_empty() {
                break;
            }
            let engine = self.engine;
            let render = &render;
            let outcomes: Vec<(Outcome<R>, Vec<LabelId>, u64)> =
                pool.install(|| chunk.into_par_iter().map(|u| process(engine, u, render)).collect());
            for (outcome, labels, bytes) in outcomes {
                stats.bytes += bytes;
                bar.inc(bytes);
                match &outcome {
                    Outcome::Done(_) => {
                        stats.works += 1;
                        stats.flagged += usize::from(!labels.is_empty());
                        for l in labels {
                            *stats.labels.entry(forewarn::Taxonomy::builtin().label(l).id.clone()).or_default() += 1;
                        }
                    }
                    Outcome::Failed { .. } => stats.failed += 1,
                }
                emit(outcome, &mut stats)?;
            }
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!("{} works, {:.0}/s, {} failed", stats.works, stats.works as f64 / secs, stats.failed));
        }
        bar.finish_and_clear();
        stats.elapsed = started.elapsed();
        Ok(stats)
    }
}

/// Ingests, scans and renders one unit; a panic becomes a failure of this work only.
fn process<R>(engine: &Engine, unit: Unit, render: &(impl Fn(&Document, &[Finding]) -> R + Sync)) -> (Outcome<R>, Vec<LabelId>, u64) {
    let size = unit.size();
    // The id is only needed to name a failure; for a JSONL line the error already names source:line.
    let id = match &unit {
        Unit::Bytes { id, .. } => Some(id.clone()),
        _ => None,
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let doc = sources::ingest_unit(unit)?;
        let findings = engine.findings(&doc);
        let labels: Vec<LabelId> = findings.iter().map(|f| f.label).collect();
        let bytes = if size > 0 { size } else { doc.text.len() as u64 };
        Ok::<_, Error>((render(&doc, &findings), labels, bytes))
    }));
    match result {
        Ok(Ok((rendered, labels, bytes))) => (Outcome::Done(rendered), labels, bytes),
        Ok(Err(error)) => (Outcome::Failed { id, error }, Vec::new(), size),
        Err(_) => {
            let error = Error::new(ErrorKind::Malformed, "internal error while reading this work; skipped")
                .at(id.as_deref().unwrap_or("input"));
            (Outcome::Failed { id, error }, Vec::new(), size)
        }
    }
}
