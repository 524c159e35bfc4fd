//! Plain text: paragraphs are separated by blank lines (or, in a text with no blank lines, each line is
//! a paragraph); short lines such as "CHAPTER IV." start a chapter; Project Gutenberg's licence header and
//! footer are dropped.

use std::sync::OnceLock;

use regex::Regex;

use crate::document::DocumentBuilder;

fn chapter_heading() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^(chapter|book|part|act|canto|stave|letter)\s+([0-9]+|[ivxlc]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|the\s+\w+)\b[^a-z]{0,3}.{0,80}$|^(prologue|epilogue)\b.{0,60}$",
        )
        .expect("valid regex")
    })
}

/// Strips a Project Gutenberg header and footer, if present.
pub fn strip_gutenberg(text: &str) -> &str {
    let mut body = text;
    if let Some(p) = body.find("*** START OF") {
        if let Some(nl) = body[p..].find('\n') {
            body = &body[p + nl + 1..];
        }
    }
    if let Some(p) = body.find("*** END OF") {
        body = &body[..p];
    }
    body
}

/// Adds the paragraphs of plain `text` to `b`.
pub fn read_into(b: &mut DocumentBuilder, text: &str) {
    let text = strip_gutenberg(text);
    let has_blank_lines = text.lines().any(|l| l.trim().is_empty()) && text.lines().count() > 1;
    let mut para = String::new();
    let flush = |b: &mut DocumentBuilder, para: &mut String| {
        if para.trim().is_empty() {
            para.clear();
            return;
        }
        let trimmed = para.trim();
        if trimmed.len() <= 90 && !trimmed.contains('\n') && chapter_heading().is_match(trimmed) {
            b.chapter(Some(trimmed.to_string()));
            b.heading(trimmed);
        } else {
            b.paragraph(para);
        }
        para.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(b, &mut para);
        } else {
            para.push_str(line);
            para.push('\n');
            if !has_blank_lines {
                flush(b, &mut para);
            }
        }
    }
    flush(b, &mut para);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

    #[test]
    fn blank_lines_make_paragraphs_and_headings_make_chapters() {
        let mut b = DocumentBuilder::new("t", Format::Text);
        read_into(&mut b, "Intro line\nwrapped.\n\nCHAPTER I.\n\nFirst.\n\n\n\nChapter 2: The Fall\n\nSecond.\n");
        let d = b.finish();
        let paras: Vec<&str> = (0..d.paragraphs.len()).map(|i| d.paragraph_text(i)).collect();
        assert_eq!(paras, vec!["Intro line wrapped.", "CHAPTER I.", "First.", "Chapter 2: The Fall", "Second."]);
        assert_eq!(d.chapters.len(), 3);
        assert_eq!(d.chapters[2].title.as_deref(), Some("Chapter 2: The Fall"));
        assert!(d.paragraphs[1].heading);
    }

    #[test]
    fn lines_are_paragraphs_without_blank_lines() {
        let mut b = DocumentBuilder::new("t", Format::Text);
        read_into(&mut b, "One.\nTwo.\nThree.");
        assert_eq!(b.finish().paragraphs.len(), 3);
    }

    #[test]
    fn gutenberg_boilerplate_is_dropped() {
        let t = "licence\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\nStory.\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\nmore licence";
        assert_eq!(strip_gutenberg(t).trim(), "Story.");
    }
}
