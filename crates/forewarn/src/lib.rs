//! # forewarn
//!
//! Reads fiction and says what distressing content it holds, how severe it is, and where, so a reader
//! can choose, prepare or skip a scene. Data flows one way:
//!
//! bytes → [`ingest`] → [`Document`] (chapters → paragraphs → sentences, [`segment`]) →
//! [`detect`] ([`Scores`] per paragraph) → [`aggregate`] ([`Finding`]s per work) → [`report`].
//!
//! ```
//! use forewarn::{Engine, ReportOptions};
//!
//! let engine = Engine::default();
//! let doc = forewarn::ingest::read_text(
//!     "example",
//!     "It was a bright morning.\n\nIn the night he had taken his own life, and the house was silent.",
//! ).unwrap();
//! let report = engine.report(&doc, ReportOptions::default());
//! assert_eq!(report.labels[0].label, "suicide");
//! assert_eq!(report.labels[0].passages[0].index, 1);
//! ```
#![deny(missing_docs)]

pub mod aggregate;
pub mod detect;
pub mod document;
pub mod error;
pub mod eval;
pub mod ingest;
pub mod profile;
pub mod report;
pub mod segment;
pub mod taxonomy;
pub mod train;

use std::sync::Arc;

pub use aggregate::{DocPolicy, Finding};
pub use detect::{Detector, Hit, Scores};
pub use document::{Document, Span};
pub use error::{Error, ErrorKind, Result};
pub use profile::Profile;
pub use report::{Report, ReportOptions};
pub use taxonomy::{LabelId, Severity, Taxonomy};

/// The engine: a detector and a document policy, built once and shared between threads.
#[derive(Clone)]
pub struct Engine {
    detector: Arc<dyn Detector>,
    policy: DocPolicy,
}

impl Default for Engine {
    /// The engine with the built-in default detector.
    fn default() -> Engine {
        Engine::new(Arc::new(detect::cue::CueDetector::builtin()))
    }
}

impl Engine {
    /// An engine around `detector` with the default document policy.
    pub fn new(detector: Arc<dyn Detector>) -> Engine {
        Engine { detector, policy: DocPolicy::default() }
    }

    /// Replaces the document-level policy.
    pub fn with_policy(mut self, policy: DocPolicy) -> Engine {
        self.policy = policy;
        self
    }

    /// The detector's name.
    pub fn detector_name(&self) -> &str {
        self.detector.name()
    }

    /// Paragraph scores of a document.
    pub fn scores(&self, doc: &Document) -> Scores {
        self.detector.detect(doc)
    }

    /// Document-level findings.
    pub fn findings(&self, doc: &Document) -> Vec<Finding> {
        aggregate::aggregate(doc, &self.scores(doc), self.policy)
    }

    /// The full report of a document.
    pub fn report(&self, doc: &Document, opts: ReportOptions) -> Report {
        self.report_scores(doc, &self.scores(doc), opts)
    }

    /// The report of a document from scores already computed (e.g. filtered by `eval --sweep`).
    pub fn report_scores(&self, doc: &Document, scores: &Scores, opts: ReportOptions) -> Report {
        let findings = aggregate::aggregate(doc, scores, self.policy);
        Report::new(doc, &findings, self.detector.name(), Taxonomy::builtin(), opts)
    }
}
