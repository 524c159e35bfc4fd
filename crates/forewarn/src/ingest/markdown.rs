//! Markdown: rendered to text with pulldown-cmark. Top-level headings (`#`, `##`) start chapters;
//! code blocks, HTML blocks and link targets are not story text.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::document::DocumentBuilder;

/// Adds the paragraphs of Markdown `text` to `b`.
pub fn read_into(b: &mut DocumentBuilder, text: &str) {
    let mut buf = String::new();
    let mut heading: Option<u8> = None;
    let mut in_code = false;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(b, &mut buf, None);
                heading = Some(level as u8);
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(b, &mut buf, heading.take());
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_)) => flush(b, &mut buf, None),
            Event::Text(t) | Event::Code(t) if !in_code => buf.push_str(&t),
            Event::SoftBreak | Event::HardBreak => buf.push(' '),
            _ => {}
        }
    }
    flush(b, &mut buf, None);
}

fn flush(b: &mut DocumentBuilder, buf: &mut String, heading: Option<u8>) {
    if buf.trim().is_empty() {
        buf.clear();
        return;
    }
    match heading {
        Some(level) if level <= 2 => {
            b.chapter(Some(buf.clone()));
            b.heading(buf);
        }
        Some(_) => b.heading(buf),
        None => b.paragraph(buf),
    }
    buf.clear();
}

/// True when `text` looks like Markdown: ATX headings, emphasis, or list/quote markers at line starts.
pub fn looks_like(text: &str) -> bool {
    let mut score = 0;
    for line in text.lines().take(200) {
        let l = line.trim_start();
        if l.starts_with("# ") || l.starts_with("## ") || l.starts_with("### ") {
            score += 3;
        } else if l.starts_with("> ") || l.starts_with("* ") || l.starts_with("- ") || l.starts_with("```") {
            score += 1;
        }
        if l.contains("**") || l.contains("](") {
            score += 1;
        }
    }
    score >= 3
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

    #[test]
    fn headings_make_chapters_and_markup_is_dropped() {
        let mut b = DocumentBuilder::new("m", Format::Markdown);
        read_into(&mut b, "# Chapter One\n\nShe *ran*\nhome.\n\n```\ncode\n```\n\n## Two\n\n> quoted **bold**\n");
        let d = b.finish();
        assert_eq!(d.text, "Chapter One\n\nShe ran home.\n\nTwo\n\nquoted bold");
        assert_eq!(d.chapters.len(), 2);
        assert!(looks_like("# Title\n\nText **bold**."));
        assert!(!looks_like("Just a line of prose.\n\nAnother."));
    }
}
