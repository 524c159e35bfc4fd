//! HTML to text blocks: visible text only (no scripts, styles or hidden elements), one block per
//! paragraph-like element, headings marked. Shared by the generic HTML reader, AO3 and EPUB.

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node};

use crate::document::DocumentBuilder;

/// A run of text from one block element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading `h1`..`h6` with its level.
    Heading(u8, String),
    /// Any other block of text.
    Para(String),
}

const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "canvas", "select",
    "button",
];
const BLOCKS: &[&str] = &[
    "p", "div", "li", "blockquote", "section", "article", "main", "header", "footer", "aside", "nav", "ul", "ol",
    "dl", "dt", "dd", "table", "tr", "td", "th", "pre", "hr", "center", "figure", "figcaption", "address",
    "details", "summary", "body", "h1", "h2", "h3", "h4", "h5", "h6",
];

fn is_hidden(el: &scraper::node::Element) -> bool {
    el.attr("hidden").is_some()
        || el.attr("aria-hidden") == Some("true")
        || el.attr("style").is_some_and(|s| s.replace(' ', "").contains("display:none"))
}

/// Collects the visible text blocks under `root`.
pub fn blocks(root: ElementRef<'_>) -> Vec<Block> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut skip_depth = 0usize;
    let mut heading: Option<u8> = None;
    let flush = |buf: &mut String, out: &mut Vec<Block>, heading: Option<u8>| {
        if !buf.trim().is_empty() {
            let text = std::mem::take(buf);
            out.push(match heading {
                Some(level) => Block::Heading(level, text),
                None => Block::Para(text),
            });
        }
        buf.clear();
    };
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if skip_depth > 0 || SKIP.contains(&name) || is_hidden(el) {
                        skip_depth += 1;
                        continue;
                    }
                    if name == "br" {
                        buf.push('\n');
                    } else if BLOCKS.contains(&name) {
                        flush(&mut buf, &mut out, heading);
                        if let Some(level) = name.strip_prefix('h').and_then(|d| d.parse::<u8>().ok()) {
                            heading = Some(level);
                        }
                    }
                }
                Node::Text(t) if skip_depth == 0 => buf.push_str(t),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    if skip_depth > 0 {
                        skip_depth -= 1;
                        continue;
                    }
                    let name = el.name();
                    if BLOCKS.contains(&name) {
                        flush(&mut buf, &mut out, heading);
                        if name.len() == 2 && name.starts_with('h') {
                            heading = None;
                        }
                    }
                }
            }
        }
    }
    flush(&mut buf, &mut out, heading);
    out
}

/// Text of an element, whitespace collapsed.
pub fn text_of(el: ElementRef<'_>) -> String {
    crate::document::normalise_ws(&el.text().collect::<String>())
}

/// Adds blocks to a document: `h1`/`h2` start chapters, other headings stay as heading paragraphs.
pub fn add_blocks(b: &mut DocumentBuilder, blocks: &[Block]) {
    for block in blocks {
        match block {
            Block::Heading(level, t) if *level <= 2 => {
                b.chapter(Some(t.clone()));
                b.heading(t);
            }
            Block::Heading(_, t) => b.heading(t),
            Block::Para(t) => b.paragraph(t),
        }
    }
}

/// Reads a generic HTML page into `b`.
pub fn read_into(b: &mut DocumentBuilder, html: &Html) {
    if let Some(title) = scraper::Selector::parse("head > title").ok().and_then(|s| html.select(&s).next()) {
        let t = text_of(title);
        if !t.is_empty() {
            b.meta().title = Some(t);
        }
    }
    let root = scraper::Selector::parse("body")
        .ok()
        .and_then(|s| html.select(&s).next())
        .unwrap_or_else(|| html.root_element());
    add_blocks(b, &blocks(root));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

    #[test]
    fn visible_text_only_in_blocks() {
        let html = Html::parse_document(
            "<html><head><title>T</title><style>p{}</style></head><body><h1>Chapter 1</h1><p>One <b>bold</b> line.</p>\
             <script>var x = 'secret';</script><div hidden>hidden text</div><p>Two<br>lines</p></body></html>",
        );
        let mut b = DocumentBuilder::new("t", Format::Html);
        read_into(&mut b, &html);
        let d = b.finish();
        assert_eq!(d.meta.title.as_deref(), Some("T"));
        assert_eq!(d.text, "Chapter 1\n\nOne bold line.\n\nTwo lines");
        assert_eq!(d.chapters[0].title.as_deref(), Some("Chapter 1"));
    }
}
