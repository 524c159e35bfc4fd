//! The transparent cue detector. Curated phrases per label (`data/cues.toml`), expanded with their
//! inflections and compiled once into one Aho-Corasick automaton, then read in context:
//!
//! * idioms and figurative uses suppress the cues they overlap ("dying to see", "killing time");
//! * a negation just before a cue in the same clause drops it ("he did not die");
//! * a label with a `requires` list only counts its medium and weak cues when one of those stems is in
//!   the paragraph (child words count for `child-abuse` only next to a word of harm);
//! * weak cues need company: a second cue, or the same label flagged within two paragraphs (a scene);
//! * severity: a cue may imply one; a reporting, remembering or hypothetical marker in the cue's
//!   sentence makes it a mention; two or more physical-detail markers in the paragraph make it graphic.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Deserialize;

use super::inflect::expand;
use super::{Detector, Hit, Scores};
use crate::document::{Document, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::taxonomy::{LabelId, Severity, Taxonomy};

const BUILTIN_CUES: &str = include_str!("../../data/cues.toml");

/// Markers of reported, remembered, planned or hypothetical content: the cue's sentence is a mention.
const MENTION_MARKERS: &[&str] = &[
    "remember*", "remembered", "years ago", "long ago", "months ago", "weeks ago", "days ago", "used to", "had been",
    "had died", "had killed", "had tried", "heard", "hear of", "told me|him|her|them|us|you", "said that", "rumour*",
    "rumor*", "the story of", "if", "would have", "might", "could have", "threaten*", "thought of|about", "think of|about",
    "thinking of|about", "wanted to", "want to", "plan*", "note", "letter", "news", "newspaper*", "memory", "memories",
    "someday", "one day", "what if", "dream*", "history", "they say", "legend*", "never forgot", "since the",
    "the day that", "the night that", "after the", "ever since", "was said", "would", "will", "going to", "afraid that",
    "feared that", "fear that", "as a child", "when he was|she was|i was", "last year", "past", "possible", "possibly",
    "perhaps", "ought to", "maybe", "whether", "suppose", "supposing", "as though", "as if", "like a",
];

/// Markers of vivid physical detail.
const GRAPHIC_MARKERS: &[&str] = &[
    "blood", "bloody", "bleeding", "bled", "gore", "gash*", "wound*", "flesh", "entrails", "guts", "spurt*",
    "gush*", "severed", "skull", "brains", "artery", "arteries", "torn", "ripped", "pool of", "oozing", "ooze*",
    "dripping", "splatter*", "mangled", "shattered", "vomit*", "convuls*", "writh*", "agony", "choking", "gurgl*",
    "sliced", "crimson", "open wound*", "laid open", "to the bone", "into the skin", "into his|her|my skin|flesh|arm|wrist", "slid deeper",
    "cut deep", "deep cut*",
];

/// Words that negate a following cue within three words of the same clause.
const NEGATIONS: &[&str] = &["not", "never", "no", "nor", "without", "nobody", "none", "neither", "hardly", "barely", "cannot"];

/// Labels for which physical detail makes a paragraph graphic.
const PHYSICAL_LABELS: &[&str] = &[
    "violence", "war", "death", "blood-gore", "self-harm", "suicide", "animal-cruelty", "sexual-assault", "child-abuse",
    "medical", "miscarriage", "childbirth", "abuse", "kidnapping",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Weak,
    Medium,
    Strong,
}

impl Tier {
    fn weight(self) -> f32 {
        match self {
            Tier::Weak => 0.2,
            Tier::Medium => 0.45,
            Tier::Strong => 0.9,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Payload {
    Cue { label: u8, tier: Tier, hint: Option<Severity> },
    Idiom { label: Option<u8> },
    Graphic { label: Option<u8> },
    Mention,
    Requires { label: u8 },
}

#[derive(Deserialize, Default)]
struct LabelCues {
    #[serde(default)]
    strong: Vec<String>,
    #[serde(default)]
    medium: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
    #[serde(default)]
    graphic: Vec<String>,
    #[serde(default)]
    idioms: Vec<String>,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    suppresses: Vec<String>,
}

#[derive(Deserialize)]
struct Global {
    #[serde(default)]
    idioms: Vec<String>,
}

#[derive(Deserialize)]
struct CueFile {
    global: Global,
    labels: BTreeMap<String, LabelCues>,
}

/// The cue detector. Build once with [`CueDetector::builtin`] or [`CueDetector::from_toml`]; share freely.
pub struct CueDetector {
    automaton: AhoCorasick,
    payloads: Vec<Vec<Payload>>,
    has_requires: Vec<bool>,
    /// `suppresses[a]` lists labels whose cues are dropped when they lie inside a cue of label `a`.
    suppresses: Vec<Vec<u8>>,
    /// Length in bytes of the longest phrase: how far apart two overlapping matches can start.
    longest: usize,
    physical: Vec<bool>,
    n_labels: usize,
}

/// Pattern strings with payloads, deduplicated, before compiling.
#[derive(Default)]
struct Patterns {
    index: BTreeMap<String, usize>,
    payloads: Vec<Vec<Payload>>,
    strings: Vec<String>,
}

impl Patterns {
    fn add(&mut self, pattern: &str, payload: Payload) {
        for phrase in expand(&pattern.to_lowercase(), 512) {
            let variants = if phrase.contains('\'') { vec![phrase.replace('\'', "\u{2019}"), phrase] } else { vec![phrase] };
            for v in variants {
                let id = *self.index.entry(v.clone()).or_insert_with(|| {
                    self.strings.push(v);
                    self.payloads.push(Vec::new());
                    self.payloads.len() - 1
                });
                if !self.payloads[id].contains(&payload) {
                    self.payloads[id].push(payload);
                }
            }
        }
    }
}

fn split_hint(pattern: &str) -> Result<(&str, Option<Severity>)> {
    match pattern.rsplit_once('@') {
        Some((p, sev)) => Ok((p, Some(sev.parse()?))),
        None => Ok((pattern, None)),
    }
}

impl CueDetector {
    /// The detector with the lexicon built into this crate.
    pub fn builtin() -> CueDetector {
        CueDetector::from_toml(BUILTIN_CUES, Taxonomy::builtin()).expect("built-in cue lexicon is valid")
    }

    /// Builds a detector from a cue lexicon in TOML (see `data/cues.toml` for the format).
    pub fn from_toml(text: &str, taxonomy: &Taxonomy) -> Result<CueDetector> {
        let file: CueFile = toml::from_str(text).map_err(|e| Error::new(ErrorKind::Model, format!("cue lexicon: {e}")))?;
        let mut p = Patterns::default();
        for idiom in &file.global.idioms {
            p.add(idiom, Payload::Idiom { label: None });
        }
        for m in MENTION_MARKERS {
            p.add(m, Payload::Mention);
        }
        for g in GRAPHIC_MARKERS {
            p.add(g, Payload::Graphic { label: None });
        }
        let mut has_requires = vec![false; taxonomy.len()];
        let mut suppresses = vec![Vec::new(); taxonomy.len()];
        for (name, cues) in &file.labels {
            let label = taxonomy
                .find(name)
                .ok_or_else(|| Error::new(ErrorKind::Model, format!("cue lexicon: unknown label '{name}'")))?
                .0;
            for (tier, list) in [(Tier::Strong, &cues.strong), (Tier::Medium, &cues.medium), (Tier::Weak, &cues.weak)] {
                for pattern in list {
                    let (pattern, hint) = split_hint(pattern).map_err(|e| e.at(format!("cue lexicon, label {name}")))?;
                    p.add(pattern, Payload::Cue { label, tier, hint });
                }
            }
            for g in &cues.graphic {
                p.add(g, Payload::Graphic { label: Some(label) });
            }
            for i in &cues.idioms {
                p.add(i, Payload::Idiom { label: Some(label) });
            }
            for r in &cues.requires {
                p.add(r, Payload::Requires { label });
            }
            has_requires[label as usize] = !cues.requires.is_empty();
            for other in &cues.suppresses {
                let id = taxonomy
                    .find(other)
                    .ok_or_else(|| Error::new(ErrorKind::Model, format!("cue lexicon: label {name} suppresses unknown label '{other}'")))?;
                suppresses[label as usize].push(id.0);
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&p.strings)
            .map_err(|e| Error::new(ErrorKind::Model, format!("cue lexicon: {e}")))?;
        let physical = taxonomy.labels().iter().map(|l| PHYSICAL_LABELS.contains(&l.id.as_str())).collect();
        let longest = p.strings.iter().map(String::len).max().unwrap_or(0);
        Ok(CueDetector { automaton, payloads: p.payloads, has_requires, suppresses, longest, physical, n_labels: taxonomy.len() })
    }

    /// Number of distinct phrases in the automaton.
    pub fn pattern_count(&self) -> usize {
        self.payloads.len()
    }

    /// Raw per-label evidence for one paragraph.
    fn paragraph(&self, doc: &Document, para: usize, out: &mut Vec<Raw>) {
        out.clear();
        let p = &doc.paragraphs[para];
        let text = doc.slice(p.span);
        let mut cues: Vec<(usize, usize, u8, Tier, Option<Severity>)> = Vec::new();
        let mut idioms: Vec<(usize, usize, Option<u8>)> = Vec::new();
        let mut graphic_global = 0usize;
        let mut graphic_label: Vec<u8> = Vec::new();
        let mut mentions: Vec<usize> = Vec::new();
        let mut requires: Vec<u8> = Vec::new();
        for m in self.automaton.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            let start_ok = !text[..s].chars().next_back().is_some_and(char::is_alphanumeric);
            if !start_ok {
                continue;
            }
            let end_ok = !text[e..].chars().next().is_some_and(char::is_alphanumeric);
            for &payload in &self.payloads[m.pattern().as_usize()] {
                match payload {
                    Payload::Requires { label } => requires.push(label),
                    _ if !end_ok => {}
                    Payload::Cue { label, tier, hint } => cues.push((s, e, label, tier, hint)),
                    Payload::Idiom { label } => idioms.push((s, e, label)),
                    Payload::Graphic { label: None } => graphic_global += 1,
                    Payload::Graphic { label: Some(l) } => graphic_label.push(l),
                    Payload::Mention => mentions.push(s),
                }
            }
        }
        if cues.is_empty() {
            return;
        }
        // Every check below looks only at matches that start within one pattern length before a cue,
        // found by binary search in start-sorted lists: linear-logarithmic even for a huge paragraph.
        cues.sort_unstable_by_key(|c| (c.0, std::cmp::Reverse(c.1)));
        idioms.sort_unstable_by_key(|i| i.0);
        let reach = self.longest;
        let mut required = [false; 256];
        for &l in &requires {
            required[l as usize] = true;
        }
        let mut by_label: BTreeMap<u8, Vec<(usize, usize, Tier, Option<Severity>)>> = BTreeMap::new();
        for &(s, e, label, tier, hint) in &cues {
            let near_idioms = window(&idioms, |i| i.0, s.saturating_sub(reach), e);
            let suppressed = near_idioms.iter().any(|&(is, ie, il)| is < e && s < ie && il.is_none_or(|l| l == label));
            let overridden = window(&cues, |c| c.0, s.saturating_sub(reach), s + 1).iter().any(|&(s2, e2, l2, _, _)| {
                s2 <= s && e <= e2 && (e2 - s2) > (e - s) && self.suppresses[l2 as usize].contains(&label)
            });
            if suppressed || overridden || negated(text, s) {
                continue;
            }
            if self.has_requires[label as usize] && tier != Tier::Strong && !required[label as usize] {
                continue;
            }
            by_label.entry(label).or_default().push((s, e, tier, hint));
        }
        for (label, mut hits) in by_label {
            // Keep maximal matches: drop a cue inside a longer cue of the same label (hits are sorted by
            // start, longest first, so a container comes before what it contains).
            hits.dedup_by_key(|h| (h.0, h.1));
            let mut max_end = 0usize;
            hits.retain(|&(_, e, _, _)| {
                let inside = e <= max_end;
                max_end = max_end.max(e);
                !inside
            });
            let mut keep = 1.0f32;
            for &(_, _, tier, _) in &hits {
                keep *= 1.0 - tier.weight();
            }
            let best = hits.iter().max_by(|a, b| a.2.cmp(&b.2).then(b.0.cmp(&a.0))).copied().expect("non-empty");
            let sentence = p
                .sentences
                .iter()
                .find(|sp| sp.start <= p.span.start + best.0 && p.span.start + best.0 < sp.end.max(sp.start + 1))
                .copied()
                .unwrap_or(p.span);
            let (ss, se) = (sentence.start - p.span.start, sentence.end - p.span.start);
            let graphic = graphic_global + graphic_label.iter().filter(|&&l| l == label).count();
            let reported = mentions.iter().any(|&m| ss <= m && m < se) || perfect_before(text, best.0) || in_speech(text, best.0);
            let severity = if let Some(h) = best.3 {
                h
            } else if reported {
                Severity::Mention
            } else if self.physical[label as usize] && graphic >= 2 {
                Severity::Graphic
            } else {
                Severity::Depiction
            };
            out.push(Raw {
                label,
                score: 1.0 - keep,
                best: best.2,
                severity,
                evidence: Span::new(p.span.start + best.0, p.span.start + best.1),
            });
        }
    }
}

/// What the cue lexicon sees for one label in one paragraph, before any threshold or scene rule:
/// features for a learned detector.
#[derive(Debug, Clone, Copy)]
pub struct CueEvidence {
    /// The label.
    pub label: LabelId,
    /// Noisy-or of the cue weights, in [0, 1).
    pub score: f32,
    /// True when a strong cue is among them.
    pub strong: bool,
    /// The severity the context rules give.
    pub severity: Severity,
    /// The strongest cue's span.
    pub evidence: Span,
}

impl CueDetector {
    /// `text` with every lexicon phrase (of any label, whole words) blanked out: what a paragraph says
    /// besides its keywords. Training on masked text teaches a model the company the keywords keep, so
    /// it can find the scenes that carry no keyword.
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.as_bytes().to_vec();
        for m in self.automaton.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            let whole = !text[..s].chars().next_back().is_some_and(char::is_alphanumeric)
                && !text[e..].chars().next().is_some_and(char::is_alphanumeric);
            let cue = self.payloads[m.pattern().as_usize()].iter().any(|p| matches!(p, Payload::Cue { .. }));
            if whole && cue {
                out[s..e].iter_mut().for_each(|b| *b = b' ');
            }
        }
        // Only whole matches at char boundaries were blanked, so the bytes stay UTF-8.
        String::from_utf8(out).unwrap_or_default()
    }

    fn raw(&self, doc: &Document) -> Vec<Vec<Raw>> {
        let mut raw = Vec::with_capacity(doc.paragraphs.len());
        let mut buf = Vec::new();
        for (i, p) in doc.paragraphs.iter().enumerate() {
            if p.heading {
                raw.push(Vec::new());
                continue;
            }
            self.paragraph(doc, i, &mut buf);
            raw.push(buf.clone());
        }
        raw
    }

    /// Unthresholded cue evidence per paragraph.
    pub fn evidence(&self, doc: &Document) -> Vec<Vec<CueEvidence>> {
        self.raw(doc)
            .into_iter()
            .map(|hits| {
                hits.into_iter()
                    .map(|h| CueEvidence { label: LabelId(h.label), score: h.score, strong: h.best == Tier::Strong, severity: h.severity, evidence: h.evidence })
                    .collect()
            })
            .collect()
    }
}

/// Per-label evidence of one paragraph before the scene pass.
#[derive(Debug, Clone, Copy)]
struct Raw {
    label: u8,
    score: f32,
    best: Tier,
    severity: Severity,
    evidence: Span,
}

/// Paragraph score at or above which a label is flagged.
const THRESHOLD: f32 = 0.5;
/// Paragraph score at or above which a label anchors a scene (lends support to its neighbours).
const ANCHOR: f32 = 0.85;
/// How far (in paragraphs) a flagged label lends support to weaker evidence of the same label.
const SCENE_REACH: usize = 2;

/// True when "had", "has" or "have" stands within two words before byte `at`: a perfect tense reports
/// what happened before the scene ("she had died", "he has killed").
fn perfect_before(text: &str, at: usize) -> bool {
    text[..at].split_whitespace().rev().take(2).any(|w| {
        let w = w.to_ascii_lowercase();
        matches!(w.as_str(), "had" | "has" | "have" | "hadn't" | "having") || w.ends_with("'d") || w.ends_with("\u{2019}d")
    })
}

/// True when byte `at` of a paragraph lies inside quoted speech (an odd number of quote marks before
/// it): what characters say is mostly reported, not shown.
fn in_speech(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let curly_open = before.matches('\u{201c}').count();
    let curly_close = before.matches('\u{201d}').count();
    if curly_open + curly_close > 0 {
        return curly_open > curly_close;
    }
    before.matches('"').count() % 2 == 1
}

/// The items of `sorted` (ordered by `key`) whose key lies in `lo..hi`.
fn window<T>(sorted: &[T], key: impl Fn(&T) -> usize, lo: usize, hi: usize) -> &[T] {
    let a = sorted.partition_point(|x| key(x) < lo);
    let b = sorted.partition_point(|x| key(x) < hi);
    &sorted[a..b.max(a)]
}

/// How far back negation and clause boundaries are looked for, in bytes.
const CLAUSE_LOOKBACK: usize = 160;

/// True when one of three words before byte `at` of `text`, in the same clause, negates.
fn negated(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(CLAUSE_LOOKBACK);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = &text[from..at];
    let clause_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, ',' | ';' | ':' | '.' | '!' | '?' | '"' | '\u{201c}' | '\u{201d}'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    before[clause_start..]
        .split_whitespace()
        .rev()
        .take(3)
        .any(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}').to_ascii_lowercase();
            NEGATIONS.contains(&w.as_str()) || w.ends_with("n't") || w.ends_with("n\u{2019}t")
        })
}

impl Detector for CueDetector {
    fn name(&self) -> &str {
        "cue-v1"
    }

    fn detect(&self, doc: &Document) -> Scores {
        let n = doc.paragraphs.len();
        let raw = self.raw(doc);
        // Anchors: paragraphs where a label is flagged on its own strength.
        let mut anchored = vec![vec![false; self.n_labels]; n];
        for (i, hits) in raw.iter().enumerate() {
            for h in hits {
                if h.score >= ANCHOR {
                    anchored[i][h.label as usize] = true;
                }
            }
        }
        let mut scores = Scores::with_paragraphs(n);
        for (i, hits) in raw.iter().enumerate() {
            for h in hits {
                let near = || {
                    let lo = i.saturating_sub(SCENE_REACH);
                    let hi = (i + SCENE_REACH).min(n - 1);
                    (lo..=hi).any(|j| j != i && anchored[j][h.label as usize])
                };
                let score = if h.score >= THRESHOLD {
                    h.score
                } else if h.best >= Tier::Medium && near() {
                    THRESHOLD
                } else {
                    continue;
                };
                scores.paragraphs[i].push(Hit { label: LabelId(h.label), score, severity: h.severity, evidence: h.evidence });
            }
        }
        scores
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mask_blanks_cue_phrases_and_keeps_the_rest() {
        let cue = CueDetector::builtin();
        let text = "She took her own life in the river, and the village mourned her.";
        let masked = cue.mask(text);
        assert_eq!(masked.len(), text.len());
        assert!(!masked.contains("took her own life"), "{masked}");
        assert!(masked.starts_with("She ") && masked.contains(" the village "), "{masked}");
        assert_eq!(cue.mask("Tea in the garden."), "Tea in the garden.");
    }

    use super::*;
    use crate::ingest::read_text;

    fn labels(text: &str) -> Vec<(usize, String, Severity)> {
        let doc = read_text("t", text).unwrap();
        let det = CueDetector::builtin();
        let tax = Taxonomy::builtin();
        let mut out = Vec::new();
        for (i, hits) in det.detect(&doc).paragraphs.iter().enumerate() {
            for h in hits {
                out.push((i, tax.label(h.label).id.clone(), h.severity));
            }
        }
        out
    }

    fn has(found: &[(usize, String, Severity)], para: usize, label: &str) -> bool {
        found.iter().any(|(i, l, _)| *i == para && l == label)
    }

    #[test]
    fn finds_plain_content() {
        let f = labels("He stabbed the guard twice and ran.\n\nShe had tried to kill herself the winter before.");
        assert!(has(&f, 0, "violence"), "{f:?}");
        assert!(has(&f, 1, "suicide"), "{f:?}");
        let sev = f.iter().find(|(i, l, _)| *i == 1 && l == "suicide").unwrap().2;
        assert_eq!(sev, Severity::Mention);
    }

    #[test]
    fn idioms_carry_nothing() {
        let f = labels(
            "I'm dying to see the new gardens.\n\nWe were killing time at the station.\n\nShe cut the cake with a flourish.\n\nI could murder a curry right now.",
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn negation_drops_the_cue() {
        let f = labels("Nobody was hurt and he did not die.");
        assert!(!f.iter().any(|(_, l, _)| l == "death"), "{f:?}");
    }

    #[test]
    fn lexicon_compiles_to_thousands_of_phrases() {
        let n = CueDetector::builtin().pattern_count();
        eprintln!("cue phrases: {n}");
        assert!(n > 2000, "{n}");
    }

    #[test]
    fn huge_paragraph_is_scanned_in_linear_time() {
        // A regression guard for the quadratic overlap checks this detector once had: 200,000 cues in one
        // paragraph took minutes; now a fraction of a second (not timed here, only completed).
        let text = "He was killed in the war, not saved. ".repeat(40_000);
        let f = labels(&text);
        assert!(f.iter().any(|(_, l, _)| l == "violence"));
    }

    #[test]
    fn bodily_detail_is_graphic() {
        let f = labels("The knife opened the wound and blood spurted over the torn flesh as he stabbed again.");
        let v = f.iter().find(|(_, l, _)| l == "violence").unwrap();
        assert_eq!(v.2, Severity::Graphic);
    }
}
