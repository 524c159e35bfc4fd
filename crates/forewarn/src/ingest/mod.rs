//! Ingest: bytes to [`Document`]s. The format is detected from the content (the file extension only
//! breaks ties); every reader produces chapters of paragraphs through one [`DocumentBuilder`].

pub mod ao3;
pub mod decode;
pub mod epub;
pub mod html;
pub mod jsonl;
pub mod markdown;
pub mod text;

use std::str::FromStr;

use scraper::Html;

use crate::document::{Document, DocumentBuilder, Format};
use crate::error::{Error, ErrorKind, Result};

/// An input format a caller may force instead of detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
    /// HTML, generic or AO3.
    Html,
    /// EPUB.
    Epub,
    /// JSONL, one work per line.
    Jsonl,
}

impl FromStr for InputFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<InputFormat> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "text" | "txt" => InputFormat::Text,
            "markdown" | "md" => InputFormat::Markdown,
            "html" | "htm" | "xhtml" => InputFormat::Html,
            "epub" => InputFormat::Epub,
            "jsonl" | "ndjson" => InputFormat::Jsonl,
            other => return Err(Error::invalid(format!("unknown input format '{other}'"))),
        })
    }
}

/// Detects the format of `bytes`; `name` (a file name) is used only when the content is ambiguous.
pub fn detect(bytes: &[u8], name: Option<&str>) -> InputFormat {
    if epub::is_zip(bytes) {
        return InputFormat::Epub;
    }
    let head_len = bytes.len().min(8192);
    let head = String::from_utf8_lossy(&bytes[..head_len]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let lower: String = head.chars().take(2048).collect::<String>().to_ascii_lowercase();
    if lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || lower.starts_with("<?xml") && lower.contains("<html")
        || (lower.starts_with('<') && (lower.contains("<body") || lower.contains("<p>") || lower.contains("<div")))
    {
        return InputFormat::Html;
    }
    if head.starts_with('{') && jsonl::looks_like(head) {
        return InputFormat::Jsonl;
    }
    let ext = name.and_then(|n| n.rsplit_once('.')).map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("md" | "markdown") => InputFormat::Markdown,
        Some("html" | "htm" | "xhtml") => InputFormat::Html,
        Some("jsonl" | "ndjson") => InputFormat::Jsonl,
        _ if markdown::looks_like(head) => InputFormat::Markdown,
        _ => InputFormat::Text,
    }
}

/// Reads one work (any format but JSONL) from `bytes`.
pub fn read_work(id: &str, bytes: &[u8], format: InputFormat) -> Result<Document> {
    let mut b;
    match format {
        InputFormat::Epub => {
            b = DocumentBuilder::new(id, Format::Epub);
            epub::read_into(&mut b, bytes)?;
        }
        InputFormat::Jsonl => {
            return Err(Error::invalid("JSONL holds many works; read it with ingest::jsonl::works"));
        }
        _ => {
            let decoded = decode::decode(bytes)?;
            let text = &decoded.text;
            b = match format {
                InputFormat::Html => {
                    let html = Html::parse_document(text);
                    if ao3::is_page(&html) {
                        let mut b = DocumentBuilder::new(id, Format::Ao3Page);
                        ao3::read_page(&mut b, &html);
                        b
                    } else if ao3::is_download(&html) {
                        let mut b = DocumentBuilder::new(id, Format::Ao3Download);
                        ao3::read_download(&mut b, &html);
                        b
                    } else {
                        let mut b = DocumentBuilder::new(id, Format::Html);
                        html::read_into(&mut b, &html);
                        b
                    }
                }
                InputFormat::Markdown => {
                    let mut b = DocumentBuilder::new(id, Format::Markdown);
                    markdown::read_into(&mut b, text);
                    b
                }
                _ => {
                    let mut b = DocumentBuilder::new(id, Format::Text);
                    text::read_into(&mut b, text);
                    b
                }
            };
            if let Some(n) = decoded.notice {
                b.notice(n);
            }
        }
    }
    if b.paragraph_count() == 0 {
        return Err(Error::new(ErrorKind::Empty, "no story text found"));
    }
    Ok(b.finish())
}

/// Reads one submitted document (the server's and Python's entry point): `format` if given, else
/// detected from the content and `id`; a lone JSON line is read as text, not as a batch.
pub fn read_document(id: &str, bytes: &[u8], format: Option<InputFormat>) -> Result<Document> {
    let format = format.unwrap_or_else(|| match detect(bytes, Some(id)) {
        InputFormat::Jsonl => InputFormat::Text,
        f => f,
    });
    read_work(id, bytes, format)
}

/// Reads plain text (as given by a caller, e.g. the server or Python) into a document.
pub fn read_text(id: &str, text: &str) -> Result<Document> {
    read_work(id, text.as_bytes(), detect(text.as_bytes(), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_from_content_before_extension() {
        assert_eq!(detect(b"<!DOCTYPE html><html><body><p>x</p>", Some("a.txt")), InputFormat::Html);
        assert_eq!(detect(b"{\"work_id\": 1, \"text\": \"x\"}\n", Some("a.txt")), InputFormat::Jsonl);
        assert_eq!(detect(b"PK\x03\x04....", None), InputFormat::Epub);
        assert_eq!(detect(b"Once upon a time.", Some("story.md")), InputFormat::Markdown);
        assert_eq!(detect(b"Once upon a time.", Some("story")), InputFormat::Text);
    }

    #[test]
    fn empty_and_tagless_html_are_errors() {
        assert_eq!(read_work("x", b"<html><body><script>x</script></body></html>", InputFormat::Html).unwrap_err().kind(), &ErrorKind::Empty);
    }
}
