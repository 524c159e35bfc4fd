//! The embedding detector (`embed-v1`): the cue lexicon, checked and extended by one logistic head
//! per label over the paragraph's static MiniLM embedding ([`StaticEmbeddings`]). A cue hit stands
//! unless its head's probability falls below the label's `veto`; a paragraph the lexicon missed gets
//! the label when the head's probability reaches the label's `threshold`. The heads see only the
//! embedding, so they are independent evidence; they are trained by [`crate::train::train_embed`].
//!
//! File format (safetensors, `format` = `forewarn-embed-v1` in the metadata): `table` i8 [vocab, dims],
//! `scale` f32 [vocab], `token_weight` f32 [vocab], `center` and `spread` f32 [dims], `heads` f32
//! [labels, dims + 1] (weights, then bias), `thresholds` and `veto` f32 [labels]; metadata `labels`
//! (JSON list), `vocab` (newline-joined), provenance.

use std::collections::HashMap;

use safetensors::tensor::Dtype;

use super::cue::CueDetector;
use super::model_file::{bad, f32_bytes, heads_of, read_path, sigmoid, view, write, ModelFile};
use super::static_embed::StaticEmbeddings;
use super::wordpiece::WordPiece;
use super::{Detector, Hit, Scores};
use crate::document::Document;
use crate::error::Result;
use crate::taxonomy::{LabelId, Severity, Taxonomy};

/// The format tag written into every model file.
pub const MODEL_FORMAT: &str = "forewarn-embed-v1";

/// Model parameters.
#[derive(Debug, Clone)]
pub struct EmbedModel {
    /// The paragraph encoder.
    pub embeddings: StaticEmbeddings,
    /// Labels, one head each.
    pub labels: Vec<String>,
    /// Per-dimension mean and standard deviation of paragraph embeddings on the training data: heads
    /// see standardised inputs (raw static embeddings all point roughly the same way).
    pub center: Vec<f32>,
    /// See `center`.
    pub spread: Vec<f32>,
    /// `labels x (dims + 1)` weights and bias, row-major.
    pub heads: Vec<f32>,
    /// Per label: the probability at which a paragraph without a cue hit gets the label (above 1:
    /// never).
    pub thresholds: Vec<f32>,
    /// Per label: the probability below which a cue hit is dropped (0: never).
    pub veto: Vec<f32>,
    /// Provenance.
    pub metadata: HashMap<String, String>,
}

impl EmbedModel {
    /// An untrained model over `embeddings` for the taxonomy's labels.
    pub fn new(embeddings: StaticEmbeddings, taxonomy: &Taxonomy) -> EmbedModel {
        let n = taxonomy.len();
        let width = embeddings.dims + 1;
        EmbedModel {
            center: vec![0.0; embeddings.dims],
            spread: vec![1.0; embeddings.dims],
            embeddings,
            labels: taxonomy.labels().iter().map(|l| l.id.clone()).collect(),
            heads: vec![0.0; n * width],
            thresholds: vec![f32::INFINITY; n],
            veto: vec![0.0; n],
            metadata: HashMap::new(),
        }
    }

    /// Inputs per head.
    pub fn width(&self) -> usize {
        self.embeddings.dims + 1
    }

    /// The standardised paragraph embedding of a text, the input of the heads.
    pub fn features(&self, text: &str, ids: &mut Vec<u32>) -> Vec<f32> {
        let mut x = self.embeddings.embed(text, ids);
        for ((v, c), s) in x.iter_mut().zip(&self.center).zip(&self.spread) {
            *v = (*v - c) / s;
        }
        x
    }

    /// Logit of head `h` for standardised features `x`.
    pub fn logit(&self, h: usize, x: &[f32]) -> f32 {
        let w = &self.heads[h * self.width()..(h + 1) * self.width()];
        let d = self.embeddings.dims;
        w[..d].iter().zip(x).map(|(a, b)| a * b).sum::<f32>() + w[d]
    }

    /// Probability of head `h`.
    pub fn prob(&self, h: usize, x: &[f32]) -> f32 {
        sigmoid(self.logit(h, x))
    }

    /// Serialises to safetensors bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let e = &self.embeddings;
        let table: Vec<u8> = e.table.iter().map(|&q| q as u8).collect();
        let (scale, weight, heads, thresholds) = (f32_bytes(&e.scale), f32_bytes(&e.weight), f32_bytes(&self.heads), f32_bytes(&self.thresholds));
        let (center, spread, veto) = (f32_bytes(&self.center), f32_bytes(&self.spread), f32_bytes(&self.veto));
        let (vocab, n) = (e.tokenizer.len(), self.labels.len());
        let tensors = vec![
            ("table", view(Dtype::I8, vec![vocab, e.dims], &table)?),
            ("scale", view(Dtype::F32, vec![vocab], &scale)?),
            ("token_weight", view(Dtype::F32, vec![vocab], &weight)?),
            ("center", view(Dtype::F32, vec![e.dims], &center)?),
            ("spread", view(Dtype::F32, vec![e.dims], &spread)?),
            ("heads", view(Dtype::F32, vec![n, self.width()], &heads)?),
            ("thresholds", view(Dtype::F32, vec![n], &thresholds)?),
            ("veto", view(Dtype::F32, vec![n], &veto)?),
        ];
        let mut meta = self.metadata.clone();
        let tokens: Vec<&str> = (0..vocab as u32).map(|i| e.tokenizer.token(i)).collect();
        meta.insert("vocab".into(), tokens.join("\n"));
        write(tensors, &meta, MODEL_FORMAT, &self.labels)
    }

    /// Reads a model, checking its format and shapes.
    pub fn from_bytes(bytes: &[u8]) -> Result<EmbedModel> {
        let file = ModelFile::read(bytes, MODEL_FORMAT)?;
        let tokenizer = WordPiece::from_vocab(file.metadata.get("vocab").ok_or_else(|| bad("no 'vocab'"))?)?;
        let v = tokenizer.len();
        let (shape, table) = file.tensor("table", Dtype::I8)?;
        if shape.len() != 2 || shape[0] != v || shape[1] == 0 {
            return Err(bad("table does not match the vocabulary"));
        }
        let dims = shape[1];
        let table = table.iter().map(|&b| b as i8).collect();
        let embeddings = StaticEmbeddings { tokenizer, dims, table, scale: file.floats("scale", v)?, weight: file.floats("token_weight", v)? };
        let n = file.labels.len();
        let heads = file.floats("heads", n * (dims + 1))?;
        let (thresholds, veto) = (file.floats("thresholds", n)?, file.floats("veto", n)?);
        let (center, spread) = (file.floats("center", dims)?, file.floats("spread", dims)?);
        let ModelFile { mut metadata, labels, .. } = file;
        metadata.remove("vocab");
        Ok(EmbedModel { embeddings, labels, center, spread, heads, thresholds, veto, metadata })
    }
}

/// The embedding detector around a model.
pub struct EmbedDetector {
    model: EmbedModel,
    heads: Vec<Option<LabelId>>,
    cue: CueDetector,
}

impl EmbedDetector {
    /// Wraps a model; its labels are matched to the built-in taxonomy by name.
    pub fn new(model: EmbedModel) -> EmbedDetector {
        EmbedDetector { heads: heads_of(&model.labels), model, cue: CueDetector::builtin() }
    }

    /// Reads a model file.
    pub fn from_file(path: &std::path::Path) -> Result<EmbedDetector> {
        read_path(path, EmbedModel::from_bytes).map(EmbedDetector::new)
    }
}

/// What the decision of [`EmbedDetector`] rests on for one document: the cue detector's hits and,
/// per paragraph, every head's probability (empty for headings). Computed once, it can be decided at
/// many thresholds (`forewarn train --calibrate-*`).
pub struct EmbedEvidence {
    cue: Scores,
    probs: Vec<Vec<f32>>,
}

impl EmbedDetector {
    /// The evidence for a document.
    pub fn evidence(&self, doc: &Document) -> EmbedEvidence {
        let mut ids = Vec::new();
        let probs = doc
            .paragraphs
            .iter()
            .map(|p| {
                if p.heading {
                    return Vec::new();
                }
                let x = self.model.features(doc.slice(p.span), &mut ids);
                (0..self.heads.len()).map(|h| self.model.prob(h, &x)).collect()
            })
            .collect();
        EmbedEvidence { cue: self.cue.detect(doc), probs }
    }

    /// The hits: a cue hit stays unless its head's probability is below `veto[h]`; a label the lexicon
    /// did not find is added where its head reaches `thresholds[h]` (both indexed by head).
    pub fn decide(&self, doc: &Document, evidence: &EmbedEvidence, thresholds: &[f32], veto: &[f32]) -> Scores {
        let mut scores = Scores::with_paragraphs(doc.paragraphs.len());
        let mut cue_of = vec![None; Taxonomy::builtin().len()];
        for (i, (p, probs)) in doc.paragraphs.iter().zip(&evidence.probs).enumerate() {
            if probs.is_empty() {
                continue;
            }
            cue_of.iter_mut().for_each(|c| *c = None);
            for hit in &evidence.cue.paragraphs[i] {
                cue_of[hit.label.index()] = Some(hit);
            }
            for ((h, label), &prob) in self.heads.iter().enumerate().zip(probs) {
                let Some(label) = *label else { continue };
                match cue_of[label.index()] {
                    Some(hit) if prob >= veto[h] => scores.paragraphs[i].push(hit.clone()),
                    None if prob >= thresholds[h] => {
                        let evidence = p.sentences.first().copied().unwrap_or(p.span);
                        scores.paragraphs[i].push(Hit { label, score: prob, severity: Severity::Depiction, evidence });
                    }
                    _ => {}
                }
            }
        }
        scores
    }
}

impl Detector for EmbedDetector {
    fn name(&self) -> &str {
        "embed-v1"
    }

    fn detect(&self, doc: &Document) -> Scores {
        self.decide(doc, &self.evidence(doc), &self.model.thresholds, &self.model.veto)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::Taxonomy;

    /// A 2-dimensional model: "ferryman" points one way, "teacup" the other; the death head fires on the
    /// first direction only.
    pub(crate) fn toy() -> EmbedModel {
        let wp = WordPiece::from_vocab("[PAD]\n[UNK]\n[CLS]\n[SEP]\nferryman\nteacup\nthe\ndied\n").unwrap();
        let rows = vec![vec![0.0, 0.0], vec![0.0, 0.0], vec![0.0, 0.0], vec![0.0, 0.0], vec![1.0, 0.0], vec![0.0, 1.0], vec![0.0, 0.0], vec![0.0, 1.0]];
        let emb = StaticEmbeddings::from_rows(wp, &rows, vec![1.0; 8]);
        let tax = Taxonomy::builtin();
        let mut m = EmbedModel::new(emb, tax);
        let death = tax.find("death").unwrap().index();
        let w = m.width();
        m.heads[death * w] = 8.0;
        m.heads[death * w + 2] = -4.0;
        m.thresholds[death] = 0.9;
        m
    }

    #[test]
    fn adds_a_label_the_lexicon_misses_and_vetoes_weak_cue_hits() {
        let tax = Taxonomy::builtin();
        let death = tax.find("death").unwrap();
        let doc = crate::ingest::read_text("t", "Ferryman ferryman.\n\nThe teacup.\n\nThe man died.").unwrap();
        let cue = CueDetector::builtin().detect(&doc);
        assert!(cue.paragraphs[0].is_empty() && cue.paragraphs[2].iter().any(|h| h.label == death));
        let mut m = toy();
        let scores = EmbedDetector::new(m.clone()).detect(&doc);
        assert!(scores.paragraphs[0].iter().any(|h| h.label == death), "added by the head");
        assert!(scores.paragraphs[1].is_empty());
        assert!(scores.paragraphs[2].iter().any(|h| h.label == death), "cue hit kept (no veto)");
        m.veto[death.index()] = 0.5;
        let scores = EmbedDetector::new(m).detect(&doc);
        assert!(!scores.paragraphs[2].iter().any(|h| h.label == death), "cue hit vetoed");
    }

    #[test]
    fn file_round_trip_and_bad_files() {
        let m = toy();
        let back = EmbedModel::from_bytes(&m.to_bytes().unwrap()).unwrap();
        assert_eq!(back.heads, m.heads);
        assert_eq!(back.thresholds, m.thresholds);
        assert_eq!(back.embeddings.table, m.embeddings.table);
        assert_eq!(back.embeddings.tokenizer.len(), 8);
        assert!(EmbedModel::from_bytes(b"not a model").is_err());
        let linear = crate::detect::linear::LinearModel::new(8, Taxonomy::builtin()).to_bytes().unwrap();
        let err = EmbedModel::from_bytes(&linear).unwrap_err();
        assert!(err.to_string().contains("not a forewarn-embed-v1 file"), "{err}");
    }
}
