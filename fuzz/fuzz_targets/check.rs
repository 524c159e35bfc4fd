// Invariants every ingested document must hold, whatever the input: spans in bounds, on character
// boundaries, ordered and non-overlapping; sentences inside their paragraph; chapters cover their
// paragraphs; and the detector and report run without panicking.

use forewarn::{Document, Engine, ReportOptions};

pub fn check(doc: &Document) {
    let len = doc.text.len();
    let mut prev_end = 0;
    for (i, p) in doc.paragraphs.iter().enumerate() {
        assert!(p.span.start >= prev_end && p.span.start < p.span.end && p.span.end <= len, "paragraph {i} span");
        assert!(doc.text.is_char_boundary(p.span.start) && doc.text.is_char_boundary(p.span.end));
        let mut s_prev = p.span.start;
        for s in &p.sentences {
            assert!(s.start >= s_prev && s.start <= s.end && s.end <= p.span.end, "sentence span");
            assert!(doc.text.is_char_boundary(s.start) && doc.text.is_char_boundary(s.end));
            s_prev = s.end;
        }
        assert!(p.chapter < doc.chapters.len());
        prev_end = p.span.end;
    }
    for c in &doc.chapters {
        assert!(c.paragraph_count > 0 && c.first_paragraph + c.paragraph_count <= doc.paragraphs.len());
    }
    thread_local! {
        static ENGINE: Engine = Engine::default();
    }
    ENGINE.with(|e| {
        let r = e.report(doc, ReportOptions::default());
        for l in &r.labels {
            assert!(!l.passages.is_empty());
            for p in &l.passages {
                assert!(p.index < doc.paragraphs.len());
                assert!(p.bytes[0] < p.bytes[1] && p.bytes[1] <= len);
            }
        }
    });
}
