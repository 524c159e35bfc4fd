//! JSONL works, one per line: PAN 2023 style `{"work_id": ..., "text": ...}`, or the gold-set style
//! `{"id": ..., "paragraphs": [...]}` whose paragraph indices are kept exactly. A bad line is an error
//! naming its line number; the other lines still yield works.

use std::io::BufRead;

use serde::Deserialize;
use serde_json::Value;

use super::text;
use crate::document::{Document, DocumentBuilder, Format};
use crate::error::{Error, ErrorKind, Result};

#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    work_id: Option<Value>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    paragraphs: Option<Vec<String>>,
    #[serde(default)]
    title: Option<String>,
}

fn id_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parses one JSONL line into a document. `fallback_id` names works without an id.
pub fn parse_line(line: &str, fallback_id: &str) -> Result<Document> {
    let parsed: Line = serde_json::from_str(line).map_err(|e| Error::malformed(format!("invalid JSON: {e}")))?;
    let id = parsed.work_id.as_ref().or(parsed.id.as_ref()).map(id_string).unwrap_or_else(|| fallback_id.to_string());
    let mut b = DocumentBuilder::new(id, Format::Jsonl);
    b.meta().title = parsed.title;
    match (parsed.paragraphs, parsed.text) {
        (Some(paras), _) => {
            b.chapter(None);
            for (i, p) in paras.iter().enumerate() {
                if p.trim().is_empty() {
                    return Err(Error::malformed(format!("paragraph {i} is blank")));
                }
                b.paragraph(p);
            }
        }
        (None, Some(t)) => text::read_into(&mut b, &t),
        (None, None) => return Err(Error::malformed("no \"text\" or \"paragraphs\" field")),
    }
    if b.paragraph_count() == 0 {
        return Err(Error::new(ErrorKind::Empty, "the work has no text"));
    }
    Ok(b.finish())
}

/// The work id of a JSONL line (`work_id`, else `id`), read without building the document.
pub fn line_id(line: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Ids {
        #[serde(default)]
        work_id: Option<Value>,
        #[serde(default)]
        id: Option<Value>,
    }
    let ids: Ids = serde_json::from_slice(line).ok()?;
    ids.work_id.as_ref().or(ids.id.as_ref()).map(id_string)
}

/// One non-blank line of a JSONL stream, unparsed: its 1-based number and bytes (or the read error).
pub fn lines<R: BufRead>(reader: R) -> impl Iterator<Item = (usize, std::io::Result<Vec<u8>>)> {
    reader
        .split(b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.iter().all(u8::is_ascii_whitespace)))
}

/// Parses one raw line (as yielded by [`lines`]); errors name `source:line`.
pub fn parse_raw(source: &str, lineno: usize, line: std::io::Result<Vec<u8>>) -> Result<Document> {
    let at = || format!("{source}:{lineno}");
    let line = line.map_err(|e| Error::from(e).at(at()))?;
    let text = std::str::from_utf8(&line).map_err(|_| Error::malformed("line is not valid UTF-8").at(at()))?;
    parse_line(text.trim(), &at()).map_err(|e| e.at(at()))
}

/// Iterates over the works of a JSONL stream; each item is a work or an error naming `source:line`.
pub fn works<R: BufRead>(reader: R, source: String) -> impl Iterator<Item = Result<Document>> {
    lines(reader).map(move |(lineno, line)| parse_raw(&source, lineno, line))
}

/// True when the text's first non-blank line parses as a JSON object with a text or paragraphs field.
pub fn looks_like(head: &str) -> bool {
    let Some(first) = head.lines().map(str::trim).find(|l| !l.is_empty()) else { return false };
    first.starts_with('{')
        && serde_json::from_str::<Value>(first)
            .map(|v| v.get("text").is_some() || v.get("paragraphs").is_some())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pan_and_gold_lines_and_reports_bad_lines() {
        let input = "{\"work_id\": 7, \"text\": \"One.\\n\\nTwo.\"}\nnot json\n\n{\"id\": \"x\", \"paragraphs\": [\"A\", \"B\", \"C\"]}\n{\"id\": 1}\n";
        let got: Vec<Result<Document>> = works(input.as_bytes(), "in.jsonl".to_string()).collect();
        assert_eq!(got.len(), 4);
        let d0 = got[0].as_ref().unwrap();
        assert_eq!((d0.id.as_str(), d0.paragraphs.len()), ("7", 2));
        let e1 = got[1].as_ref().unwrap_err().to_string();
        assert!(e1.starts_with("in.jsonl:2: invalid JSON"), "{e1}");
        assert_eq!(got[2].as_ref().unwrap().paragraphs.len(), 3);
        assert!(got[3].as_ref().unwrap_err().to_string().contains("in.jsonl:5"));
    }
}
