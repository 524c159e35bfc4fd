//! The learned detector (`linear-v1`): one logistic head per label over hashed word n-grams of the
//! paragraph plus the cue lexicon's evidence for that label (its noisy-or score and whether a strong cue
//! fired), so the model learns where to trust the lexicon and finds content the lexicon has no words
//! for. Trained by [`crate::train`]; stored as safetensors (`weights` [labels, 2^bits], `cue` [labels, 3],
//! `thresholds` [labels]) with the label names and provenance in the metadata.

use std::collections::HashMap;

use safetensors::tensor::Dtype;

use super::cue::{CueDetector, CueEvidence};
use super::features::hashed_ngrams;
use super::model_file::{bad, f32_bytes, heads_of, read_path, sigmoid, view, write, ModelFile};
use super::{Detector, Hit, Scores};
use crate::document::{Document, Span};
use crate::error::Result;
use crate::taxonomy::{LabelId, Severity, Taxonomy};

/// The format tag written into every model file.
pub const MODEL_FORMAT: &str = "forewarn-linear-v1";

/// Model parameters.
#[derive(Debug, Clone)]
pub struct LinearModel {
    /// Feature buckets are `2^bits`.
    pub bits: u32,
    /// Labels, in taxonomy order (index = head).
    pub labels: Vec<String>,
    /// `labels.len() x 2^bits` weights, row-major.
    pub weights: Vec<f32>,
    /// Per label: weight of the cue score, weight of "a strong cue fired", bias.
    pub cue: Vec<[f32; 3]>,
    /// Per-label decision thresholds on the probability.
    pub thresholds: Vec<f32>,
    /// Provenance: what it was trained on, with which settings.
    pub metadata: HashMap<String, String>,
}

impl LinearModel {
    /// A zero model for the taxonomy's labels.
    pub fn new(bits: u32, taxonomy: &Taxonomy) -> LinearModel {
        let n = taxonomy.len();
        LinearModel {
            bits,
            labels: taxonomy.labels().iter().map(|l| l.id.clone()).collect(),
            weights: vec![0.0; n << bits],
            cue: vec![[0.0; 3]; n],
            thresholds: vec![0.5; n],
            metadata: HashMap::new(),
        }
    }

    /// The logit of head `l` for features `feats` (each worth `val`) and the cue evidence.
    pub fn logit(&self, l: usize, feats: &[u32], val: f32, cue_score: f32, strong: bool) -> f32 {
        let row = &self.weights[l << self.bits..(l + 1) << self.bits];
        let dot: f32 = feats.iter().map(|&f| row[f as usize]).sum::<f32>() * val;
        let c = self.cue[l];
        dot + c[0] * cue_score + c[1] * f32::from(u8::from(strong)) + c[2]
    }

    /// Probability of head `l`.
    pub fn prob(&self, l: usize, feats: &[u32], val: f32, cue_score: f32, strong: bool) -> f32 {
        sigmoid(self.logit(l, feats, val, cue_score, strong))
    }

    /// Serialises to safetensors bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let n = self.labels.len();
        let w = f32_bytes(&self.weights);
        let c = f32_bytes(&self.cue.iter().flatten().copied().collect::<Vec<f32>>());
        let t = f32_bytes(&self.thresholds);
        let tensors = vec![
            ("weights", view(Dtype::F32, vec![n, 1 << self.bits], &w)?),
            ("cue", view(Dtype::F32, vec![n, 3], &c)?),
            ("thresholds", view(Dtype::F32, vec![n], &t)?),
        ];
        let mut meta = self.metadata.clone();
        meta.insert("bits".into(), self.bits.to_string());
        write(tensors, &meta, MODEL_FORMAT, &self.labels)
    }

    /// Reads a model from safetensors bytes, checking its format and shapes.
    pub fn from_bytes(bytes: &[u8]) -> Result<LinearModel> {
        let file = ModelFile::read(bytes, MODEL_FORMAT)?;
        let bits: u32 = file.metadata.get("bits").and_then(|b| b.parse().ok()).filter(|b| (8..=24).contains(b)).ok_or_else(|| bad("bad 'bits'"))?;
        let n = file.labels.len();
        let weights = file.floats("weights", n << bits)?;
        let cue = file.floats("cue", n * 3)?.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
        let thresholds = file.floats("thresholds", n)?;
        let ModelFile { metadata, labels, .. } = file;
        Ok(LinearModel { bits, labels, weights, cue, thresholds, metadata })
    }
}

/// The learned detector: a [`LinearModel`] over the cue detector's evidence.
pub struct LinearDetector {
    model: LinearModel,
    /// Model head index -> taxonomy label.
    heads: Vec<Option<LabelId>>,
    cue: CueDetector,
}

impl LinearDetector {
    /// Wraps a model; its labels are matched to the built-in taxonomy by name.
    pub fn new(model: LinearModel) -> LinearDetector {
        LinearDetector { heads: heads_of(&model.labels), model, cue: CueDetector::builtin() }
    }

    /// Reads a model file.
    pub fn from_file(path: &std::path::Path) -> Result<LinearDetector> {
        read_path(path, LinearModel::from_bytes).map(LinearDetector::new)
    }
}

/// Per-label cue evidence of one paragraph as (score, strong, severity, span), indexed by label.
pub(crate) fn cue_by_label(evidence: &[CueEvidence], n: usize) -> Vec<Option<CueEvidence>> {
    let mut out = vec![None; n];
    for e in evidence {
        if e.label.index() < n {
            out[e.label.index()] = Some(*e);
        }
    }
    out
}

impl Detector for LinearDetector {
    fn name(&self) -> &str {
        "linear-v1"
    }

    fn detect(&self, doc: &Document) -> Scores {
        let n_labels = Taxonomy::builtin().len();
        let evidence = self.cue.evidence(doc);
        let mut scores = Scores::with_paragraphs(doc.paragraphs.len());
        let mut feats = Vec::new();
        for (i, p) in doc.paragraphs.iter().enumerate() {
            if p.heading {
                continue;
            }
            let text = doc.slice(p.span);
            let val = hashed_ngrams(text, self.model.bits, &mut feats);
            let cues = cue_by_label(&evidence[i], n_labels);
            for (h, label) in self.heads.iter().enumerate() {
                let Some(label) = *label else { continue };
                let cue = cues[label.index()];
                let prob = self.model.prob(h, &feats, val, cue.map_or(0.0, |c| c.score), cue.is_some_and(|c| c.strong));
                if prob < self.model.thresholds[h] {
                    continue;
                }
                let (severity, evidence) = match cue {
                    Some(c) => (c.severity, c.evidence),
                    None => (Severity::Depiction, p.sentences.first().copied().unwrap_or(Span::new(p.span.start, p.span.start))),
                };
                scores.paragraphs[i].push(Hit { label, score: prob, severity, evidence });
            }
        }
        scores
    }
}
