//! Detectors: turn a [`Document`] into per-paragraph label scores. Every detector implements
//! [`Detector`], so the transparent cue detector and learned models plug in side by side.

pub mod cue;
pub mod embed;
pub mod features;
pub mod inflect;
pub mod linear;
#[cfg(feature = "minilm")]
pub mod minilm;
mod model_file;
pub mod static_embed;
pub mod wordpiece;

use serde::Serialize;

use crate::document::{Document, Span};
use crate::taxonomy::{LabelId, Severity};

/// One label found in one paragraph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The label.
    #[serde(skip)]
    pub label: LabelId,
    /// Confidence in [0, 1]; the detector has already decided the hit passes its threshold.
    pub score: f32,
    /// How intense the content is in this paragraph.
    pub severity: Severity,
    /// The strongest evidence (a cue's byte span), used to pick a quote.
    pub evidence: Span,
}

/// The output of a detector for one document: the hits of each paragraph, by paragraph index.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// `paragraphs[i]` holds at most one hit per label for paragraph `i`.
    pub paragraphs: Vec<Vec<Hit>>,
}

impl Scores {
    /// Empty scores for `n` paragraphs.
    pub fn with_paragraphs(n: usize) -> Scores {
        Scores { paragraphs: vec![Vec::new(); n] }
    }
}

/// A content detector. Built once, immutable, shared between threads.
pub trait Detector: Send + Sync {
    /// A short name for reports and `eval` tables (e.g. `cue-v1`).
    fn name(&self) -> &str;

    /// Scores every paragraph of `doc`.
    fn detect(&self, doc: &Document) -> Scores;
}
