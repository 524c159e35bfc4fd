//! Training the learned detectors (`linear-v1` by [`train`], `embed-v1` by [`train_embed`]): logistic
//! regression per label by stochastic gradient descent over a JSONL stream of labelled passages,
//! re-read once per epoch (the corpus is never held in memory).
//!
//! Input lines: `{"text": ..., "labels": {"suicide": "mention", ...}, "known": ["suicide", ...] | null,
//! "weight": 1.0, "cue": false}`. `known` lists the labels the example is annotated for (absent or
//! null: all); a label outside it is skipped for that example, neither positive nor negative. `weight`
//! scales the example (class balancing counts it in both trainers; only [`train_embed`] also scales its
//! gradient). `cue: false` marks labels that came from the cue lexicon; [`train_embed`] then trains on
//! the text with the lexicon's phrases blanked out. Deterministic: same file, same settings, same model.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Deserialize;

use crate::detect::cue::CueDetector;
use crate::detect::embed::EmbedModel;
use crate::detect::static_embed::StaticEmbeddings;
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
    /// Weight of the example in the loss (default 1).
    #[serde(default)]
    weight: Option<f32>,
    /// `false`: the labels came from the cue lexicon (pseudo-labels).
    #[serde(default)]
    cue: Option<bool>,
}

impl Example {
    /// The text the embedding heads learn from: for pseudo-labels from the lexicon, the text with the
    /// lexicon's phrases blanked out ([`CueDetector::mask`]), so the heads learn the company the
    /// keywords keep, not the keywords.
    fn training_text(&self, cue: &CueDetector) -> std::borrow::Cow<'_, str> {
        if self.cue == Some(false) {
            cue.mask(&self.text).into()
        } else {
            self.text.as_str().into()
        }
    }

    fn parse(line: &str, lineno: usize, source: &str) -> Result<Example> {
        serde_json::from_str(line).map_err(|e| Error::malformed(format!("{source}:{lineno}: {e}")))
    }

    /// Per label: Some(target) when the example is annotated for it.
    fn targets(&self, lineno: usize, source: &str, tax: &Taxonomy) -> Result<Vec<Option<bool>>> {
        let mut target = vec![None; tax.len()];
        match &self.known {
            None => target.iter_mut().for_each(|t| *t = Some(false)),
            Some(known) => {
                for k in known {
                    let id = tax.find(k).ok_or_else(|| Error::invalid(format!("{source}:{lineno}: unknown label '{k}'")))?;
                    target[id.index()] = Some(false);
                }
            }
        }
        for l in self.labels.keys() {
            let id = tax.find(l).ok_or_else(|| Error::invalid(format!("{source}:{lineno}: unknown label '{l}'")))?;
            target[id.index()] = Some(true);
        }
        Ok(target)
    }
}

/// One parsed example: features, per-label cue evidence, targets.
struct Prepared {
    feats: Vec<u32>,
    val: f32,
    cue: Vec<(f32, bool)>,
    /// Per label: Some(target) when known.
    target: Vec<Option<bool>>,
}

fn prepare(ex: &Example, lineno: usize, source: &str, bits: u32, cue: &CueDetector, tax: &Taxonomy) -> Result<Option<Prepared>> {
    let target = ex.targets(lineno, source, tax)?;
    let Ok(doc) = crate::ingest::read_work("example", ex.text.as_bytes(), crate::ingest::InputFormat::Text) else {
        return Ok(None);
    };
    let mut feats = Vec::new();
    let val = hashed_ngrams(&doc.text, bits, &mut feats);
    Ok(Some(Prepared { feats, val, cue: passage_cue(&doc, cue, tax.len()), target }))
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

/// Pass 0 over the data: per label, the weight of a positive example (negatives / positives, clamped
/// to `[1, max]`) so rare labels are not drowned.
fn positive_weights<R: BufRead>(open: &mut impl FnMut() -> Result<R>, source: &str, tax: &Taxonomy, max: f32) -> Result<Vec<f32>> {
    let n = tax.len();
    let (mut pos, mut neg) = (vec![0f64; n], vec![0f64; n]);
    for_each_example(open, source, |lineno, ex| {
        let w = f64::from(ex.weight.unwrap_or(1.0));
        for (l, t) in ex.targets(lineno, source, tax)?.into_iter().enumerate() {
            match t {
                Some(true) => pos[l] += w,
                Some(false) => neg[l] += w,
                None => {}
            }
        }
        Ok(())
    })?;
    Ok((0..n).map(|l| if pos[l] == 0.0 { 1.0 } else { ((neg[l] / pos[l]) as f32).clamp(1.0, max) }).collect())
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
    let pos_weight = positive_weights(&mut open, source, tax, opts.max_positive_weight)?;
    let dim = 1usize << opts.bits;
    for epoch in 0..opts.epochs {
        let lr = opts.learning_rate / (1.0 + epoch as f32);
        let mut loss = EpochLoss::default();
        for_each_example(&mut open, source, |lineno, ex| {
            let Some(ex) = prepare(&ex, lineno, source, opts.bits, &cue, tax)? else { return Ok(()) };
            for l in 0..n {
                let Some(y) = ex.target[l] else { continue };
                let (cs, strong) = ex.cue[l];
                let g = loss.gradient(model.prob(l, &ex.feats, ex.val, cs, strong), y, if y { pos_weight[l] } else { 1.0 });
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
            loss.example_done(epoch + 1, &mut progress);
            Ok(())
        })?;
        progress(epoch + 1, loss.seen, loss.mean());
    }
    model.metadata.insert("trained_on".into(), source.to_string());
    model.metadata.insert(
        "settings".into(),
        format!("bits={} epochs={} learning_rate={} l2={} max_positive_weight={}", opts.bits, opts.epochs, opts.learning_rate, opts.l2, opts.max_positive_weight),
    );
    Ok(model)
}

/// Settings of [`train_embed`].
#[derive(Debug, Clone, Copy)]
pub struct EmbedTrainOptions {
    /// Passes over the data.
    pub epochs: usize,
    /// Initial learning rate (decays as 1/(1+epoch)).
    pub learning_rate: f32,
    /// L2 penalty.
    pub l2: f32,
    /// Largest weight given to a positive example to balance rare labels.
    pub max_positive_weight: f32,
}

impl Default for EmbedTrainOptions {
    fn default() -> EmbedTrainOptions {
        EmbedTrainOptions { epochs: 10, learning_rate: 0.05, l2: 0.01, max_positive_weight: 8.0 }
    }
}

/// Trains the heads of an embedding model ([`EmbedModel`]) over fixed static embeddings, streaming
/// the JSONL: one pass for the per-dimension mean and spread, then one per epoch (input format: the
/// module's documentation).
pub fn train_embed<R: BufRead>(
    embeddings: StaticEmbeddings,
    mut open: impl FnMut() -> Result<R>,
    source: &str,
    opts: EmbedTrainOptions,
    mut progress: impl FnMut(usize, usize, f64),
) -> Result<EmbedModel> {
    let tax = Taxonomy::builtin();
    let cue = CueDetector::builtin();
    let n = tax.len();
    let mut model = EmbedModel::new(embeddings, tax);
    let pos_weight = positive_weights(&mut open, source, tax, opts.max_positive_weight)?;
    let (dims, width) = (model.embeddings.dims, model.width());
    let mut ids = Vec::new();
    // Pass 1: mean and standard deviation of each embedding dimension.
    let (mut sum, mut sq, mut count) = (vec![0f64; dims], vec![0f64; dims], 0f64);
    for_each_example(&mut open, source, |_, ex| {
        let x = model.embeddings.embed(&ex.training_text(&cue), &mut ids);
        for (d, v) in x.iter().enumerate() {
            sum[d] += f64::from(*v);
            sq[d] += f64::from(*v) * f64::from(*v);
        }
        count += 1.0;
        Ok(())
    })?;
    let count = count.max(1.0);
    model.center = sum.iter().map(|s| (s / count) as f32).collect();
    model.spread = sq.iter().zip(&sum).map(|(q, s)| ((q / count - (s / count).powi(2)).max(1e-8).sqrt()) as f32).collect();
    for epoch in 0..opts.epochs {
        let lr = opts.learning_rate / (1.0 + epoch as f32);
        let mut loss = EpochLoss::default();
        for_each_example(&mut open, source, |lineno, ex| {
            let target = ex.targets(lineno, source, tax)?;
            let x = model.features(&ex.training_text(&cue), &mut ids);
            let ew = ex.weight.unwrap_or(1.0);
            for l in 0..n {
                let Some(y) = target[l] else { continue };
                let g = loss.gradient(model.prob(l, &x), y, ew * if y { pos_weight[l] } else { 1.0 });
                let row = &mut model.heads[l * width..(l + 1) * width];
                for (wj, xj) in row[..dims].iter_mut().zip(&x) {
                    *wj -= lr * (g * xj + opts.l2 * *wj);
                }
                row[dims] -= lr * g;
            }
            loss.example_done(epoch + 1, &mut progress);
            Ok(())
        })?;
        progress(epoch + 1, loss.seen, loss.mean());
    }
    model.metadata.insert("trained_on".into(), source.to_string());
    model.metadata.insert(
        "settings".into(),
        format!("epochs={} learning_rate={} l2={} max_positive_weight={}", opts.epochs, opts.learning_rate, opts.l2, opts.max_positive_weight),
    );
    Ok(model)
}

/// Loss bookkeeping of one epoch.
#[derive(Default)]
struct EpochLoss {
    seen: usize,
    sum: f64,
    pairs: usize,
}

impl EpochLoss {
    /// The gradient of the weighted log-loss of one (example, label) pair at probability `p`; adds the
    /// pair's loss to the epoch's.
    fn gradient(&mut self, p: f32, y: bool, weight: f32) -> f32 {
        self.sum += f64::from(-weight * if y { p.max(1e-7).ln() } else { (1.0 - p).max(1e-7).ln() });
        self.pairs += 1;
        (p - f32::from(u8::from(y))) * weight
    }

    fn mean(&self) -> f64 {
        self.sum / self.pairs.max(1) as f64
    }

    /// Counts an example; reports progress every 1,000.
    fn example_done(&mut self, epoch: usize, progress: &mut impl FnMut(usize, usize, f64)) {
        self.seen += 1;
        if self.seen % 1000 == 0 {
            progress(epoch, self.seen, self.mean());
        }
    }
}

/// Calls `f(line number, example)` for every non-blank line of a fresh reader.
fn for_each_example<R: BufRead>(open: &mut impl FnMut() -> Result<R>, source: &str, mut f: impl FnMut(usize, Example) -> Result<()>) -> Result<()> {
    for (i, line) in open()?.lines().enumerate() {
        let line = line.map_err(|e| Error::from(e).at(format!("{source}:{}", i + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        f(i + 1, Example::parse(&line, i + 1, source)?)?;
    }
    Ok(())
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

    #[test]
    fn embed_heads_learn_and_are_deterministic() {
        use crate::detect::wordpiece::WordPiece;
        let wp = WordPiece::from_vocab("[PAD]\n[UNK]\n[CLS]\n[SEP]\nferryman\nwept\ngardener\nroses\nthe\n").unwrap();
        let rows = vec![vec![0.0, 0.0, 0.0]; 4].into_iter().chain([vec![1.0, 0.2, 0.0], vec![0.8, 0.0, 0.3], vec![0.0, 1.0, 0.1], vec![0.1, 0.9, 0.0], vec![0.3, 0.3, 0.3]]).collect::<Vec<_>>();
        let emb = StaticEmbeddings::from_rows(wp, &rows, vec![1.0; 9]);
        let mut d = String::new();
        for _ in 0..30 {
            d.push_str("{\"text\": \"The ferryman wept.\", \"labels\": {\"death\": \"mention\"}}\n");
            d.push_str("{\"text\": \"The gardener roses.\", \"labels\": {}}\n");
            d.push_str("{\"text\": \"He died, the gardener.\", \"labels\": {}, \"cue\": false, \"weight\": 0.5}\n");
        }
        let opts = EmbedTrainOptions { epochs: 5, ..EmbedTrainOptions::default() };
        let m1 = train_embed(emb.clone(), || Ok(d.as_bytes()), "mem", opts, |_, _, _| {}).unwrap();
        let m2 = train_embed(emb, || Ok(d.as_bytes()), "mem", opts, |_, _, _| {}).unwrap();
        assert_eq!(m1.heads, m2.heads);
        let death = Taxonomy::builtin().find("death").unwrap().index();
        let mut ids = Vec::new();
        let yes = m1.prob(death, &m1.features("the ferryman wept", &mut ids));
        let no = m1.prob(death, &m1.features("the gardener roses", &mut ids));
        assert!(yes > 0.5 && no < 0.5, "{yes} {no}");
        let bad = train_embed(m1.embeddings.clone(), || Ok("{\"text\": 3}\n".as_bytes()), "mem", opts, |_, _, _| {});
        assert!(bad.unwrap_err().to_string().contains("mem:1"));
    }
}
