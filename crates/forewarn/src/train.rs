//! Training the learned detector: logistic regression per label by stochastic gradient descent over a
//! JSONL stream of labelled passages, re-read once per epoch (the corpus is never held in memory).
//!
//! Input lines: `{"text": ..., "labels": {"suicide": "mention", ...}, "known": ["suicide", ...] | null}`.
//! `known` lists the labels the example is annotated for (absent or null: all); a label outside it is
//! skipped for that example, neither positive nor negative. Deterministic: same file, same settings,
//! same model.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Deserialize;

use crate::detect::cue::CueDetector;
use crate::detect::features::hashed_ngrams;
use crate::detect::linear::{cue_by_label, LinearModel};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::taxonomy::Taxonomy;

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// Feature buckets are `2^bits`.
    pub bits: u32,
    /// Passes over the data.
    pub epochs: usize,
    /// Initial learning rate (decays as 1/(1+epoch)).
    pub learning_rate: f32,
    /// L2 penalty on the touched weights.
    pub l2: f32,
    /// Largest weight given to a positive example to balance rare labels.
    pub max_positive_weight: f32,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions { bits: 17, epochs: 8, learning_rate: 0.5, l2: 1e-5, max_positive_weight: 8.0 }
    }
}

#[derive(Deserialize)]
struct Example {
    text: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    known: Option<Vec<String>>,
}

/// One parsed example: features, per-label cue evidence, targets.
struct Prepared {
    feats: Vec<u32>,
    val: f32,
    cue: Vec<(f32, bool)>,
    /// Per label: Some(target) when known.
    target: Vec<Option<bool>>,
}

fn prepare(line: &str, lineno: usize, source: &str, bits: u32, cue: &CueDetector, tax: &Taxonomy) -> Result<Option<Prepared>> {
    let ex: Example = serde_json::from_str(line).map_err(|e| Error::malformed(format!("{source}:{lineno}: {e}")))?;
    let n = tax.len();
    let mut target = vec![None; n];
    match &ex.known {
        None => target.iter_mut().for_each(|t| *t = Some(false)),
        Some(known) => {
            for k in known {
                let id = tax.find(k).ok_or_else(|| Error::invalid(format!("{source}:{lineno}: unknown label '{k}'")))?;
                target[id.index()] = Some(false);
            }
        }
    }
    for l in ex.labels.keys() {
        let id = tax.find(l).ok_or_else(|| Error::invalid(format!("{source}:{lineno}: unknown label '{l}'")))?;
        target[id.index()] = Some(true);
    }
    let Ok(doc) = crate::ingest::read_work("example", ex.text.as_bytes(), crate::ingest::InputFormat::Text) else {
        return Ok(None);
    };
    let mut feats = Vec::new();
    let val = hashed_ngrams(&doc.text, bits, &mut feats);
    Ok(Some(Prepared { feats, val, cue: passage_cue(&doc, cue, n), target }))
}

/// The strongest cue evidence per label over a passage's paragraphs.
fn passage_cue(doc: &Document, cue: &CueDetector, n: usize) -> Vec<(f32, bool)> {
    let mut out = vec![(0.0f32, false); n];
    for para in cue.evidence(doc) {
        for (l, e) in cue_by_label(&para, n).into_iter().enumerate() {
            if let Some(e) = e {
                out[l].0 = out[l].0.max(e.score);
                out[l].1 |= e.strong;
            }
        }
    }
    out
}

/// Trains a model. `open` returns a fresh reader over the training JSONL for each pass; `progress` is
/// told (epoch, examples seen, mean loss of the epoch so far).
pub fn train<R: BufRead>(
    mut open: impl FnMut() -> Result<R>,
    source: &str,
    opts: TrainOptions,
    mut progress: impl FnMut(usize, usize, f64),
) -> Result<LinearModel> {
    let tax = Taxonomy::builtin();
    let cue = CueDetector::builtin();
    let n = tax.len();
    let mut model = LinearModel::new(opts.bits, tax);
    // Pass 0: count positives and negatives per label to balance the classes.
    let (mut pos, mut neg) = (vec![0usize; n], vec![0usize; n]);
    for (i, line) in open()?.lines().enumerate() {
        let line = line.map_err(|e| Error::from(e).at(format!("{source}:{}", i + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        let ex: Example = serde_json::from_str(&line).map_err(|e| Error::malformed(format!("{source}:{}: {e}", i + 1)))?;
        for l in 0..n {
            let id = &tax.labels()[l].id;
            let known = ex.known.as_ref().is_none_or(|k| k.iter().any(|x| x == id)) || ex.labels.contains_key(id);
            if ex.labels.contains_key(id) {
                pos[l] += 1;
            } else if known {
                neg[l] += 1;
            }
        }
    }
    let pos_weight: Vec<f32> =
        (0..n).map(|l| if pos[l] == 0 { 1.0 } else { (neg[l] as f32 / pos[l] as f32).clamp(1.0, opts.max_positive_weight) }).collect();
    let dim = 1usize << opts.bits;
    for epoch in 0..opts.epochs {
        let lr = opts.learning_rate / (1.0 + epoch as f32);
        let (mut seen, mut loss_sum, mut loss_n) = (0usize, 0f64, 0usize);
        for (i, line) in open()?.lines().enumerate() {
            let line = line.map_err(|e| Error::from(e).at(format!("{source}:{}", i + 1)))?;
            if line.trim().is_empty() {
                continue;
            }
            let Some(ex) = prepare(&line, i + 1, source, opts.bits, &cue, tax)? else { continue };
            for l in 0..n {
                let Some(y) = ex.target[l] else { continue };
                let (cs, strong) = ex.cue[l];
                let p = model.prob(l, &ex.feats, ex.val, cs, strong);
                let w = if y { pos_weight[l] } else { 1.0 };
                let g = (p - f32::from(u8::from(y))) * w;
                loss_sum += f64::from(-w * if y { p.max(1e-7).ln() } else { (1.0 - p).max(1e-7).ln() });
                loss_n += 1;
                let row = &mut model.weights[l * dim..(l + 1) * dim];
                for &f in &ex.feats {
                    let wf = &mut row[f as usize];
                    *wf -= lr * (g * ex.val + opts.l2 * *wf);
                }
                let c = &mut model.cue[l];
                c[0] -= lr * g * cs;
                c[1] -= lr * g * f32::from(u8::from(strong));
                c[2] -= lr * g;
            }
            seen += 1;
            if seen % 1000 == 0 {
                progress(epoch + 1, seen, loss_sum / loss_n.max(1) as f64);
            }
        }
        progress(epoch + 1, seen, loss_sum / loss_n.max(1) as f64);
    }
    model.metadata.insert("trained_on".into(), source.to_string());
    model.metadata.insert(
        "settings".into(),
        format!("bits={} epochs={} learning_rate={} l2={} max_positive_weight={}", opts.bits, opts.epochs, opts.learning_rate, opts.l2, opts.max_positive_weight),
    );
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> String {
        let mut s = String::new();
        for i in 0..40 {
            s.push_str(&format!("{{\"text\": \"The ferryman {i} wept by the zorbleflax and mourned.\", \"labels\": {{\"death\": \"mention\"}}}}\n"));
            s.push_str(&format!("{{\"text\": \"The gardener {i} planted roses in the sun.\", \"labels\": {{}}}}\n"));
            s.push_str(&format!("{{\"text\": \"A note {i} about tea.\", \"labels\": {{}}, \"known\": [\"war\"]}}\n"));
        }
        s
    }

    #[test]
    fn learns_a_word_the_lexicon_lacks_and_is_deterministic() {
        let d = data();
        let opts = TrainOptions { bits: 12, epochs: 5, ..TrainOptions::default() };
        let m1 = train(|| Ok(d.as_bytes()), "mem", opts, |_, _, _| {}).unwrap();
        let m2 = train(|| Ok(d.as_bytes()), "mem", opts, |_, _, _| {}).unwrap();
        assert_eq!(m1.weights, m2.weights);
        let death = Taxonomy::builtin().find("death").unwrap().index();
        let mut f = Vec::new();
        let v = hashed_ngrams("the ferryman wept by the zorbleflax", 12, &mut f);
        let p_yes = m1.prob(death, &f, v, 0.0, false);
        let v = hashed_ngrams("the gardener planted roses in the sun", 12, &mut f);
        let p_no = m1.prob(death, &f, v, 0.0, false);
        assert!(p_yes > 0.5 && p_no < 0.5, "{p_yes} {p_no}");
        let bytes = m1.to_bytes().unwrap();
        let back = LinearModel::from_bytes(&bytes).unwrap();
        assert_eq!(back.weights, m1.weights);
        assert!(LinearModel::from_bytes(b"garbage").is_err());
    }
}
