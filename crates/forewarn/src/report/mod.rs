//! Reports: findings turned into what a reader, an author or a script reads. [`Report`] is the one
//! model (serialised as the JSON schema, see `docs/report-schema.md`); the printers in this module's
//! children render it as text, JSON, JSON Lines, AO3 tag suggestions, PAN 2023 lines or gold lines.

pub mod ao3;
pub mod human;
pub mod machine;

use serde::Serialize;

use crate::aggregate::Finding;
use crate::document::{Document, Metadata, Span};
use crate::taxonomy::{Severity, Taxonomy};

/// Version of the JSON report schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Longest quote, in characters.
const QUOTE_CHARS: usize = 220;

/// Options that shape a report.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions {
    /// Leave out every quote (categories, severities and locations only).
    pub spoiler_free: bool,
    /// Include the text of every paragraph (for a viewer that highlights passages in place).
    pub include_text: bool,
}

/// One paragraph of the work, for viewers (only with [`ReportOptions::include_text`]).
#[derive(Debug, Clone, Serialize)]
pub struct ParagraphText {
    /// Chapter number, 1-based.
    pub chapter: usize,
    /// True for a heading line.
    pub heading: bool,
    /// The normalised paragraph text.
    pub text: String,
}

/// Where a label occurs.
#[derive(Debug, Clone, Serialize)]
pub struct PassageRef {
    /// Chapter number, 1-based.
    pub chapter: usize,
    /// Chapter title, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chapter_title: Option<String>,
    /// Paragraph number within the chapter, 1-based.
    pub paragraph: usize,
    /// Paragraph index in the whole work, 0-based (the index used by the gold format).
    pub index: usize,
    /// Byte range `[start, end)` of the paragraph in the normalised text.
    pub bytes: [usize; 2],
    /// Severity in this passage.
    pub severity: Severity,
    /// Detector score in [0, 1].
    pub score: f64,
    /// The sentence holding the strongest evidence; absent in spoiler-free reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The words that triggered the detector (why this passage was flagged); absent in spoiler-free reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// A label found in the work.
#[derive(Debug, Clone, Serialize)]
pub struct LabelReport {
    /// Label id.
    pub label: String,
    /// Its group.
    pub group: String,
    /// Highest severity found.
    pub severity: Severity,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// Number of paragraphs carrying it.
    pub paragraph_count: usize,
    /// The passages, in reading order.
    pub passages: Vec<PassageRef>,
}

/// What was read.
#[derive(Debug, Clone, Serialize)]
pub struct WorkInfo {
    /// Identifier (file path, work id).
    pub id: String,
    /// Input format.
    pub format: &'static str,
    /// Word count.
    pub words: usize,
    /// Number of chapters.
    pub chapters: usize,
    /// Number of paragraphs.
    pub paragraphs: usize,
    /// Title, authors and AO3 tags when the input has them.
    #[serde(flatten)]
    pub meta: Metadata,
}

/// The report on one work.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always `forewarn.report`.
    pub schema: &'static str,
    /// [`SCHEMA_VERSION`].
    pub version: u32,
    /// The detector that produced it.
    pub detector: String,
    /// Whether quotes were left out.
    pub spoiler_free: bool,
    /// The work.
    pub work: WorkInfo,
    /// Labels found, most severe first.
    pub labels: Vec<LabelReport>,
    /// Suggested AO3 archive warnings and tags.
    pub ao3: ao3::Ao3Suggestion,
    /// Notices about the input (encoding guesses, skipped EPUB entries).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// Every paragraph's text, in order (only when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraphs: Option<Vec<ParagraphText>>,
}

impl Report {
    /// Builds the report of `doc` from its findings.
    pub fn new(doc: &Document, findings: &[Finding], detector: &str, taxonomy: &Taxonomy, opts: ReportOptions) -> Report {
        let labels: Vec<LabelReport> = findings
            .iter()
            .map(|f| {
                let label = taxonomy.label(f.label);
                LabelReport {
                    label: label.id.clone(),
                    group: label.group.clone(),
                    severity: f.severity,
                    confidence: round3(f.confidence),
                    paragraph_count: f.passages.len(),
                    passages: f
                        .passages
                        .iter()
                        .map(|p| PassageRef {
                            chapter: p.chapter + 1,
                            chapter_title: doc.chapters[p.chapter].title.clone(),
                            paragraph: p.paragraph_in_chapter + 1,
                            index: p.paragraph,
                            bytes: [p.span.start, p.span.end],
                            severity: p.hit.severity,
                            score: round3(p.hit.score),
                            quote: (!opts.spoiler_free).then(|| quote(doc, p.paragraph, p.hit.evidence)),
                            evidence: (!opts.spoiler_free && !p.hit.evidence.is_empty()).then(|| doc.slice(p.hit.evidence).to_string()),
                        })
                        .collect(),
                }
            })
            .collect();
        let ao3 = ao3::suggest(&labels, &doc.meta, taxonomy);
        Report {
            schema: "forewarn.report",
            version: SCHEMA_VERSION,
            detector: detector.to_string(),
            spoiler_free: opts.spoiler_free,
            work: WorkInfo {
                id: doc.id.clone(),
                format: doc.format.as_str(),
                words: doc.word_count(),
                chapters: doc.chapters.len(),
                paragraphs: doc.paragraphs.len(),
                meta: doc.meta.clone(),
            },
            labels,
            ao3,
            notices: doc.notices.clone(),
            paragraphs: opts.include_text.then(|| {
                doc.paragraphs
                    .iter()
                    .map(|p| ParagraphText { chapter: p.chapter + 1, heading: p.heading, text: doc.slice(p.span).to_string() })
                    .collect()
            }),
        }
    }
}

fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

/// The sentence of paragraph `para` that holds `evidence`, shortened to [`QUOTE_CHARS`] around it.
pub fn quote(doc: &Document, para: usize, evidence: Span) -> String {
    let p = &doc.paragraphs[para];
    let sentence = p.sentences.iter().find(|s| s.start <= evidence.start && evidence.start < s.end).copied().unwrap_or(p.span);
    let text = doc.slice(sentence);
    if text.chars().count() <= QUOTE_CHARS {
        return text.to_string();
    }
    // Centre a window on the evidence.
    let rel = evidence.start.saturating_sub(sentence.start);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let centre = chars.iter().position(|(i, _)| *i >= rel).unwrap_or(0);
    let start = centre.saturating_sub(QUOTE_CHARS / 3);
    let end = (start + QUOTE_CHARS).min(chars.len());
    let mut q = String::new();
    if start > 0 {
        q.push('…');
    }
    q.extend(chars[start..end].iter().map(|(_, c)| c));
    if end < chars.len() {
        q.push('…');
    }
    q
}
