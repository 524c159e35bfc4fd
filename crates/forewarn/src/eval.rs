//! Evaluation on gold data. The dev-set format: per-label precision, recall and F1 over (paragraph,
//! label) and (excerpt, label) pairs, macro F1 over the labels present in the gold, micro F1, and
//! severity accuracy on paragraph-level true positives. The Webis passage format: accuracy and
//! positive-class F1 per warning, and the out-of-distribution protocol (20 positives + 20 negatives per
//! warning, seeds 43 to 47, mean over seeds).

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::Report;
use crate::taxonomy::Severity;

/// Labels per paragraph index of one excerpt.
pub type ParagraphLabels = BTreeMap<usize, BTreeMap<String, Severity>>;

#[derive(Deserialize)]
struct GoldLine {
    id: String,
    #[serde(default)]
    paragraphs: BTreeMap<String, BTreeMap<String, Severity>>,
}

/// Calls `each` with every non-blank line of a JSONL stream parsed as `T` and its location
/// (`source:line`); read and parse errors name that location.
fn for_each_line<R: BufRead, T: serde::de::DeserializeOwned>(
    reader: R,
    source: &str,
    mut each: impl FnMut(T, &str) -> Result<()>,
) -> Result<()> {
    for (i, line) in reader.lines().enumerate() {
        let at = format!("{source}:{}", i + 1);
        let line = line.map_err(|e| Error::from(e).at(&at))?;
        if line.trim().is_empty() {
            continue;
        }
        let item: T = serde_json::from_str(&line).map_err(|e| Error::malformed(format!("{at}: {e}")))?;
        each(item, &at)?;
    }
    Ok(())
}

/// Reads a gold (or prediction) file: one `{"id", "paragraphs"}` object per line.
pub fn read_gold<R: BufRead>(reader: R, source: &str) -> Result<BTreeMap<String, ParagraphLabels>> {
    let mut out = BTreeMap::new();
    for_each_line(reader, source, |g: GoldLine, at| {
        let mut paras = ParagraphLabels::new();
        for (k, v) in g.paragraphs {
            let idx: usize = k.parse().map_err(|_| Error::malformed(format!("{at}: paragraph index '{k}' is not a number")))?;
            paras.insert(idx, v);
        }
        out.insert(g.id, paras);
        Ok(())
    })?;
    Ok(out)
}

/// Paragraph labels of a report, as in the gold format.
pub fn report_labels(r: &Report) -> ParagraphLabels {
    let mut out = ParagraphLabels::new();
    for l in &r.labels {
        for p in &l.passages {
            out.entry(p.index).or_default().insert(l.label.clone(), p.severity);
        }
    }
    out
}

/// Counts for one label.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
}

impl Counts {
    /// Precision (0 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// Recall (0 when nothing was in the gold).
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// F1.
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Scores at one level (paragraph or excerpt).
#[derive(Debug, Clone, Default, Serialize)]
pub struct LevelScores {
    /// Per label: counts, precision, recall, F1.
    pub per_label: BTreeMap<String, LabelScores>,
    /// Mean F1 over the labels present in the gold.
    pub macro_f1: f64,
    /// F1 over all pairs.
    pub micro_f1: f64,
}

/// One label's figures.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct LabelScores {
    /// Counts.
    pub counts: Counts,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Positives in the gold.
    pub support: usize,
}

/// The result of one evaluation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evaluation {
    /// Detector name.
    pub detector: String,
    /// Excerpts scored.
    pub excerpts: usize,
    /// Paragraph level.
    pub paragraph: LevelScores,
    /// Excerpt level.
    pub excerpt: LevelScores,
    /// Severity accuracy on paragraph-level true positives.
    pub severity_accuracy: f64,
    /// Excerpts in the gold that had no prediction (scored as empty).
    pub missing_predictions: usize,
}

fn level(counts: BTreeMap<String, Counts>) -> LevelScores {
    let mut total = Counts::default();
    let mut per_label = BTreeMap::new();
    let mut f1s = Vec::new();
    for (label, c) in counts {
        total.add(c);
        let support = c.tp + c.fn_;
        if support > 0 {
            f1s.push(c.f1());
        }
        per_label.insert(label, LabelScores { counts: c, precision: c.precision(), recall: c.recall(), f1: c.f1(), support });
    }
    let macro_f1 = if f1s.is_empty() { 0.0 } else { f1s.iter().sum::<f64>() / f1s.len() as f64 };
    LevelScores { per_label, macro_f1, micro_f1: total.f1() }
}

/// Scores `pred` against `gold` (both keyed by excerpt id).
pub fn evaluate(detector: &str, gold: &BTreeMap<String, ParagraphLabels>, pred: &BTreeMap<String, ParagraphLabels>) -> Evaluation {
    let mut para: BTreeMap<String, Counts> = BTreeMap::new();
    let mut exc: BTreeMap<String, Counts> = BTreeMap::new();
    let (mut sev_ok, mut sev_all) = (0usize, 0usize);
    let empty = ParagraphLabels::new();
    let mut missing = 0;
    for (id, g) in gold {
        let p = pred.get(id).unwrap_or_else(|| {
            missing += 1;
            &empty
        });
        let pairs = |m: &ParagraphLabels| -> BTreeMap<(usize, String), Severity> {
            m.iter().flat_map(|(i, ls)| ls.iter().map(move |(l, s)| ((*i, l.clone()), *s))).collect()
        };
        let (gp, pp) = (pairs(g), pairs(p));
        for (k, gs) in &gp {
            let c = para.entry(k.1.clone()).or_default();
            match pp.get(k) {
                Some(ps) => {
                    c.tp += 1;
                    sev_all += 1;
                    sev_ok += usize::from(ps == gs);
                }
                None => c.fn_ += 1,
            }
        }
        for k in pp.keys().filter(|k| !gp.contains_key(*k)) {
            para.entry(k.1.clone()).or_default().fp += 1;
        }
        let gl: BTreeSet<&String> = gp.keys().map(|k| &k.1).collect();
        let pl: BTreeSet<&String> = pp.keys().map(|k| &k.1).collect();
        for l in gl.union(&pl) {
            let c = exc.entry((*l).clone()).or_default();
            match (gl.contains(l), pl.contains(l)) {
                (true, true) => c.tp += 1,
                (true, false) => c.fn_ += 1,
                (false, true) => c.fp += 1,
                _ => {}
            }
        }
    }
    Evaluation {
        detector: detector.to_string(),
        excerpts: gold.len(),
        paragraph: level(para),
        excerpt: level(exc),
        severity_accuracy: ratio(sev_ok, sev_all),
        missing_predictions: missing,
    }
}

/// Writes evaluations side by side as a text table.
pub fn write_table(out: &mut dyn std::io::Write, evals: &[Evaluation]) -> std::io::Result<()> {
    let names: Vec<&str> = evals.iter().map(|e| e.detector.as_str()).collect();
    writeln!(out, "{} excerpts", evals.first().map_or(0, |e| e.excerpts))?;
    write!(out, "{:<26}", "")?;
    for n in &names {
        write!(out, "{:>22}", n)?;
    }
    writeln!(out)?;
    let row = |out: &mut dyn std::io::Write, name: &str, f: &dyn Fn(&Evaluation) -> String| -> std::io::Result<()> {
        write!(out, "{name:<26}")?;
        for e in evals {
            write!(out, "{:>22}", f(e))?;
        }
        writeln!(out)
    };
    row(out, "paragraph macro F1", &|e| format!("{:.3}", e.paragraph.macro_f1))?;
    row(out, "paragraph micro F1", &|e| format!("{:.3}", e.paragraph.micro_f1))?;
    row(out, "excerpt macro F1", &|e| format!("{:.3}", e.excerpt.macro_f1))?;
    row(out, "excerpt micro F1", &|e| format!("{:.3}", e.excerpt.micro_f1))?;
    row(out, "severity accuracy (TP)", &|e| format!("{:.3}", e.severity_accuracy))?;
    writeln!(out, "\nper label: paragraph P/R/F1 (support) | excerpt F1 (support)")?;
    let labels: BTreeSet<&String> = evals.iter().flat_map(|e| e.paragraph.per_label.keys().chain(e.excerpt.per_label.keys())).collect();
    for l in labels {
        write!(out, "{l:<26}")?;
        for e in evals {
            let p = e.paragraph.per_label.get(l).copied().unwrap_or_default();
            let x = e.excerpt.per_label.get(l).copied().unwrap_or_default();
            write!(out, "  {:.2}/{:.2}/{:.2} ({:>3}) | {:.2} ({:>2})", p.precision, p.recall, p.f1, p.support, x.f1, x.support)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// One Webis passage: the warning it was annotated for, and whether at least 2 of 3 annotators said yes.
#[derive(Debug, Clone)]
pub struct WebisItem {
    /// The Webis warning name (violence, war, death, abduction, misogyny, homophobia, racism, ableism).
    pub warning: String,
    /// Gold: at least 2 of 3 votes.
    pub positive: bool,
    /// The passage text.
    pub text: String,
}

#[derive(Deserialize)]
struct WebisLine {
    warning: String,
    labels: Vec<u8>,
    text: String,
}

/// Reads a Webis passage JSONL file.
pub fn read_webis<R: BufRead>(reader: R, source: &str) -> Result<Vec<WebisItem>> {
    let mut out = Vec::new();
    for_each_line(reader, source, |w: WebisLine, _| {
        let yes = w.labels.iter().filter(|&&v| v > 0).count();
        out.push(WebisItem { warning: w.warning, positive: yes * 2 > w.labels.len(), text: w.text });
        Ok(())
    })?;
    Ok(out)
}

/// Figures for one Webis warning (or all together).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct BinaryScores {
    /// Passages.
    pub n: usize,
    /// Gold positives.
    pub positives: usize,
    /// Accuracy.
    pub accuracy: f64,
    /// F1 of the positive class.
    pub f1: f64,
}

fn binary(pairs: impl Iterator<Item = (bool, bool)>) -> BinaryScores {
    let (mut n, mut pos, mut ok, mut c) = (0, 0, 0, Counts::default());
    for (gold, pred) in pairs {
        n += 1;
        pos += usize::from(gold);
        ok += usize::from(gold == pred);
        match (gold, pred) {
            (true, true) => c.tp += 1,
            (false, true) => c.fp += 1,
            (true, false) => c.fn_ += 1,
            _ => {}
        }
    }
    BinaryScores { n, positives: pos, accuracy: ratio(ok, n), f1: c.f1() }
}

/// The Webis evaluation of one detector.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WebisEvaluation {
    /// Detector name.
    pub detector: String,
    /// Per warning, on the whole file.
    pub per_warning: BTreeMap<String, BinaryScores>,
    /// All passages together.
    pub overall: BinaryScores,
    /// Out-of-distribution protocol: per warning, mean accuracy over seeds 43..=47 of 20 + 20 samples.
    pub ood_per_warning: BTreeMap<String, f64>,
    /// Mean of `ood_per_warning`.
    pub ood_accuracy: f64,
}

/// SplitMix64: a small deterministic generator for the sampling protocol.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `k` distinct indices of `0..n` (all of them if `n <= k`), by a partial Fisher-Yates shuffle.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + (self.next() % (n - i) as u64) as usize;
            idx.swap(i, j);
        }
        idx.truncate(k);
        idx
    }
}

/// Scores Webis predictions (`predicted[i]` for `items[i]`).
pub fn evaluate_webis(detector: &str, items: &[WebisItem], predicted: &[bool]) -> WebisEvaluation {
    let mut warnings: Vec<&str> = items.iter().map(|i| i.warning.as_str()).collect();
    warnings.sort_unstable();
    warnings.dedup();
    let mut e = WebisEvaluation { detector: detector.to_string(), ..Default::default() };
    e.overall = binary(items.iter().zip(predicted).map(|(i, &p)| (i.positive, p)));
    for w in &warnings {
        let of_w: Vec<usize> = (0..items.len()).filter(|&i| items[i].warning == *w).collect();
        e.per_warning.insert(w.to_string(), binary(of_w.iter().map(|&i| (items[i].positive, predicted[i]))));
        let pos: Vec<usize> = of_w.iter().copied().filter(|&i| items[i].positive).collect();
        let neg: Vec<usize> = of_w.iter().copied().filter(|&i| !items[i].positive).collect();
        let mut accs = Vec::new();
        for seed in 43..=47u64 {
            let mut rng = SplitMix(seed);
            let chosen: Vec<usize> = rng.sample(pos.len(), 20).into_iter().map(|j| pos[j]).chain(rng.sample(neg.len(), 20).into_iter().map(|j| neg[j])).collect();
            accs.push(binary(chosen.iter().map(|&i| (items[i].positive, predicted[i]))).accuracy);
        }
        e.ood_per_warning.insert(w.to_string(), accs.iter().sum::<f64>() / accs.len() as f64);
    }
    e.ood_accuracy = if e.ood_per_warning.is_empty() { 0.0 } else { e.ood_per_warning.values().sum::<f64>() / e.ood_per_warning.len() as f64 };
    e
}

/// Writes Webis evaluations side by side.
pub fn write_webis_table(out: &mut dyn std::io::Write, evals: &[WebisEvaluation]) -> std::io::Result<()> {
    write!(out, "{:<14}", "warning")?;
    for e in evals {
        write!(out, "  {:>36}", e.detector)?;
    }
    writeln!(out, "\n{:<14}{}", "", "  accuracy  pos-F1  OOD-acc (n, positives)".repeat(evals.len()))?;
    let warnings: Vec<&String> = evals.first().map(|e| e.per_warning.keys().collect()).unwrap_or_default();
    for w in warnings {
        write!(out, "{w:<14}")?;
        for e in evals {
            let s = e.per_warning[w];
            write!(out, "  {:>8.3}  {:>6.3}  {:>7.3} ({:>4}, {:>3})", s.accuracy, s.f1, e.ood_per_warning[w], s.n, s.positives)?;
        }
        writeln!(out)?;
    }
    write!(out, "{:<14}", "overall")?;
    for e in evals {
        write!(out, "  {:>8.3}  {:>6.3}  {:>7.3} ({:>4}, {:>3})", e.overall.accuracy, e.overall.f1, e.ood_accuracy, e.overall.n, e.overall.positives)?;
    }
    writeln!(out)
}

/// Reads PAN 2023 gold labels: one `{"work_id", "labels": [...]}` per line.
pub fn read_pan_labels<R: BufRead>(reader: R, source: &str) -> Result<BTreeMap<String, BTreeSet<String>>> {
    #[derive(Deserialize)]
    struct PanLine {
        work_id: serde_json::Value,
        labels: Vec<String>,
    }
    let mut out = BTreeMap::new();
    for_each_line(reader, source, |l: PanLine, _| {
        let id = match l.work_id {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        out.insert(id, l.labels.into_iter().collect());
        Ok(())
    })?;
    Ok(out)
}

/// PAN 2023 figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PanEvaluation {
    /// Detector name.
    pub detector: String,
    /// Works in the gold.
    pub works: usize,
    /// Per PAN label.
    pub per_label: BTreeMap<String, LabelScores>,
    /// Mean F1 over all PAN labels (the task's macro F1).
    pub macro_f1: f64,
    /// Mean F1 over the PAN labels present in the gold.
    pub macro_f1_present: f64,
    /// F1 over all (work, label) pairs.
    pub micro_f1: f64,
}

/// Scores PAN predictions over `labels` (PAN's label names).
pub fn evaluate_pan(
    detector: &str,
    labels: &[String],
    gold: &BTreeMap<String, BTreeSet<String>>,
    pred: &BTreeMap<String, BTreeSet<String>>,
) -> PanEvaluation {
    let empty = BTreeSet::new();
    let mut counts: BTreeMap<String, Counts> = labels.iter().map(|l| (l.clone(), Counts::default())).collect();
    for (id, g) in gold {
        let p = pred.get(id).unwrap_or(&empty);
        for l in labels {
            let c = counts.get_mut(l).expect("label listed");
            match (g.contains(l), p.contains(l)) {
                (true, true) => c.tp += 1,
                (true, false) => c.fn_ += 1,
                (false, true) => c.fp += 1,
                _ => {}
            }
        }
    }
    let lv = level(counts);
    let macro_all = if lv.per_label.is_empty() { 0.0 } else { lv.per_label.values().map(|s| s.f1).sum::<f64>() / lv.per_label.len() as f64 };
    PanEvaluation {
        detector: detector.to_string(),
        works: gold.len(),
        macro_f1: macro_all,
        macro_f1_present: lv.macro_f1,
        micro_f1: lv.micro_f1,
        per_label: lv.per_label,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(items: &[(usize, &str, Severity)]) -> ParagraphLabels {
        let mut m = ParagraphLabels::new();
        for (i, l, s) in items {
            m.entry(*i).or_default().insert(l.to_string(), *s);
        }
        m
    }

    #[test]
    fn counts_pairs_at_both_levels() {
        let mut gold = BTreeMap::new();
        gold.insert("a".into(), labels(&[(0, "death", Severity::Mention), (1, "death", Severity::Depiction), (2, "war", Severity::Depiction)]));
        let mut pred = BTreeMap::new();
        pred.insert("a".into(), labels(&[(1, "death", Severity::Depiction), (3, "violence", Severity::Depiction)]));
        let e = evaluate("x", &gold, &pred);
        let d = e.paragraph.per_label["death"].counts;
        assert_eq!((d.tp, d.fp, d.fn_), (1, 0, 1));
        assert_eq!(e.excerpt.per_label["death"].f1, 1.0);
        assert_eq!(e.excerpt.per_label["war"].f1, 0.0);
        // Macro over gold labels only (death, war): violence is a false positive but not averaged in.
        assert!((e.excerpt.macro_f1 - 0.5).abs() < 1e-9);
        assert_eq!(e.severity_accuracy, 1.0);
    }

    #[test]
    fn pan_macro_is_over_all_labels() {
        let labels: Vec<String> = ["death", "violence", "incest", "abuse"].iter().map(|s| s.to_string()).collect();
        let set = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
        let gold = BTreeMap::from([("1".to_string(), set(&["death"])), ("2".to_string(), set(&["violence"]))]);
        let pred = BTreeMap::from([("1".to_string(), set(&["death"])), ("2".to_string(), set(&["death"]))]);
        let e = evaluate_pan("x", &labels, &gold, &pred);
        assert!((e.per_label["death"].f1 - 2.0 / 3.0).abs() < 1e-9);
        assert!((e.macro_f1 - (2.0 / 3.0) / 4.0).abs() < 1e-9);
        assert!((e.macro_f1_present - (2.0 / 3.0) / 2.0).abs() < 1e-9);
    }

    #[test]
    fn webis_protocol_samples_twenty_and_twenty() {
        let mut items = Vec::new();
        for i in 0..100 {
            items.push(WebisItem { warning: "war".into(), positive: i < 30, text: String::new() });
        }
        // A detector that says yes to everything: accuracy 0.5 on every balanced 20+20 sample.
        let yes = vec![true; 100];
        let e = evaluate_webis("x", &items, &yes);
        assert!((e.ood_accuracy - 0.5).abs() < 1e-9);
        assert!((e.overall.accuracy - 0.3).abs() < 1e-9);
        let mut rng = SplitMix(43);
        let s = rng.sample(10, 20);
        assert_eq!(s.len(), 10);
    }
}
