//! The document model: one work as normalised text with its structure (chapters -> paragraphs ->
//! sentences), each part a byte span into that text, plus the work's metadata (title, author, tags,
//! summary and notes kept apart from the story).

use serde::Serialize;

/// A half-open byte range `[start, end)` into [`Document::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// Creates a span.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span is empty.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// True when `other` lies inside this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// The input format a document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
    /// A generic HTML page.
    Html,
    /// An AO3 work page as served by the site.
    Ao3Page,
    /// AO3's "Download -> HTML" file.
    Ao3Download,
    /// An EPUB book.
    Epub,
    /// One line of a PAN 2023 style JSONL file.
    Jsonl,
}

impl Format {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Ao3Page => "ao3-page",
            Format::Ao3Download => "ao3-download",
            Format::Epub => "epub",
            Format::Jsonl => "jsonl",
        }
    }
}

/// What is known about a work besides its text. AO3 fields are empty for other formats.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Metadata {
    /// Title, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Authors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// AO3 rating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
    /// AO3 archive warnings given by the author.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub archive_warnings: Vec<String>,
    /// Fandoms.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fandoms: Vec<String>,
    /// Relationships.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub relationships: Vec<String>,
    /// Characters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub characters: Vec<String>,
    /// Freeform ("additional") tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub freeform_tags: Vec<String>,
    /// The work's summary (not part of the story text).
    #[serde(skip)]
    pub summary: Option<String>,
    /// Author notes (not part of the story text).
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// A chapter: a title and the range of paragraphs it holds.
#[derive(Debug, Clone, Serialize)]
pub struct Chapter {
    /// Chapter title, if the source gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Byte span of the chapter in the text.
    pub span: Span,
    /// Index of its first paragraph in [`Document::paragraphs`].
    pub first_paragraph: usize,
    /// Number of paragraphs.
    pub paragraph_count: usize,
}

/// A paragraph, the unit findings point to.
#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    /// Index of its chapter in [`Document::chapters`].
    pub chapter: usize,
    /// Byte span in the text.
    pub span: Span,
    /// Sentence spans in the text, in order, covering the paragraph's words.
    pub sentences: Vec<Span>,
    /// True for a heading line (chapter title inside the text).
    pub heading: bool,
}

/// One work, normalised.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// Identifier: a file path, a work id or a JSONL work id.
    pub id: String,
    /// The format it was read from.
    pub format: Format,
    /// Metadata.
    pub meta: Metadata,
    /// The normalised story text: paragraphs separated by a blank line.
    #[serde(skip)]
    pub text: String,
    /// Chapters, in reading order.
    pub chapters: Vec<Chapter>,
    /// All paragraphs of all chapters, in reading order.
    pub paragraphs: Vec<Paragraph>,
    /// Notices raised while reading (e.g. an encoding guess); never contain input text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
}

impl Document {
    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// The text of paragraph `i`.
    pub fn paragraph_text(&self, i: usize) -> &str {
        self.slice(self.paragraphs[i].span)
    }

    /// Index of paragraph `i` within its chapter.
    pub fn paragraph_in_chapter(&self, i: usize) -> usize {
        i - self.chapters[self.paragraphs[i].chapter].first_paragraph
    }

    /// Number of words, roughly (whitespace-separated tokens).
    pub fn word_count(&self) -> usize {
        self.text.split_whitespace().count()
    }
}

/// Builds a [`Document`] from chapters of raw paragraphs, normalising whitespace and recording spans.
#[derive(Debug)]
pub struct DocumentBuilder {
    doc: Document,
    chapter_open: bool,
}

impl DocumentBuilder {
    /// Starts a document.
    pub fn new(id: impl Into<String>, format: Format) -> DocumentBuilder {
        DocumentBuilder {
            doc: Document {
                id: id.into(),
                format,
                meta: Metadata::default(),
                text: String::new(),
                chapters: Vec::new(),
                paragraphs: Vec::new(),
                notices: Vec::new(),
            },
            chapter_open: false,
        }
    }

    /// Metadata, to fill in.
    pub fn meta(&mut self) -> &mut Metadata {
        &mut self.doc.meta
    }

    /// Records a notice about the input (must not contain input text).
    pub fn notice(&mut self, notice: impl Into<String>) {
        self.doc.notices.push(notice.into());
    }

    /// Starts a new chapter. Empty chapters are dropped at the end.
    pub fn chapter(&mut self, title: Option<String>) {
        let title = title.map(|t| normalise_ws(&t)).filter(|t| !t.is_empty());
        let start = self.doc.text.len();
        self.doc.chapters.push(Chapter {
            title,
            span: Span::new(start, start),
            first_paragraph: self.doc.paragraphs.len(),
            paragraph_count: 0,
        });
        self.chapter_open = true;
    }

    /// Adds a paragraph to the current chapter; whitespace runs become one space. Blank ones are skipped.
    pub fn paragraph(&mut self, raw: &str) {
        self.push_paragraph(raw, false);
    }

    /// Adds a heading line to the current chapter (kept as a paragraph so indices match the source).
    pub fn heading(&mut self, raw: &str) {
        self.push_paragraph(raw, true);
    }

    fn push_paragraph(&mut self, raw: &str, heading: bool) {
        if !self.chapter_open {
            self.chapter(None);
        }
        let text = &mut self.doc.text;
        let before = text.len();
        if before > 0 {
            text.push_str("\n\n");
        }
        let start = text.len();
        push_normalised(text, raw);
        if text.len() == start {
            text.truncate(before);
            return;
        }
        let span = Span::new(start, text.len());
        let chapter = self.doc.chapters.len() - 1;
        let ch = &mut self.doc.chapters[chapter];
        if ch.paragraph_count == 0 {
            ch.span.start = start;
        }
        ch.span.end = span.end;
        ch.paragraph_count += 1;
        let sentences = crate::segment::sentences(&self.doc.text, span);
        self.doc.paragraphs.push(Paragraph { chapter, span, sentences, heading });
    }

    /// Number of paragraphs so far.
    pub fn paragraph_count(&self) -> usize {
        self.doc.paragraphs.len()
    }

    /// Finishes the document, dropping empty chapters.
    pub fn finish(mut self) -> Document {
        let mut remap = Vec::with_capacity(self.doc.chapters.len());
        let mut kept = Vec::new();
        for ch in self.doc.chapters.drain(..) {
            remap.push(kept.len());
            if ch.paragraph_count > 0 {
                kept.push(ch);
            }
        }
        for p in &mut self.doc.paragraphs {
            p.chapter = remap[p.chapter];
        }
        self.doc.chapters = kept;
        self.doc
    }
}

/// Appends `raw` to `out` with whitespace runs collapsed to one space and the ends trimmed.
fn push_normalised(out: &mut String, raw: &str) {
    let mut pending_space = false;
    let start = out.len();
    for c in raw.chars() {
        if c.is_whitespace() || c == '\u{feff}' || c == '\u{0}' || (c.is_control() && c != '\t') {
            pending_space = true;
        } else {
            if pending_space && out.len() > start {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
}

/// Collapses whitespace in `raw` into a new string.
pub fn normalise_ws(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    push_normalised(&mut s, raw);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_records_spans_and_skips_blank_paragraphs() {
        let mut b = DocumentBuilder::new("t", Format::Text);
        b.chapter(Some("  One ".into()));
        b.paragraph("  Hello\n  world.  ");
        b.paragraph(" \n\t ");
        b.paragraph("Second.");
        b.chapter(None);
        b.chapter(Some("Three".into()));
        b.paragraph("Third one.");
        let d = b.finish();
        assert_eq!(d.paragraphs.len(), 3);
        assert_eq!(d.paragraph_text(0), "Hello world.");
        assert_eq!(d.paragraph_text(2), "Third one.");
        assert_eq!(d.chapters.len(), 2);
        assert_eq!(d.chapters[0].title.as_deref(), Some("One"));
        assert_eq!(d.paragraphs[2].chapter, 1);
        assert_eq!(d.paragraph_in_chapter(2), 0);
        assert_eq!(d.text, "Hello world.\n\nSecond.\n\nThird one.");
    }
}
