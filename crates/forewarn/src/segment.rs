//! Sentence segmentation inside a paragraph: a byte scan for `.`, `!` and `?` that knows about
//! closing quotes and common abbreviations. Fast and predictable rather than linguistically perfect;
//! sentences only narrow quotes and severity context, paragraphs stay the unit of findings.

use crate::document::Span;

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "rev", "gen", "col", "capt", "lt", "sgt", "mt",
    "vs", "etc", "no", "vol", "ch", "fig", "esq", "messrs", "mme", "mlle", "hon", "gov", "sen", "rep",
    "e.g", "i.e", "cf", "viz", "ca",
];

/// Splits the paragraph at `span` of `text` into sentence spans (trimmed, in order, non-overlapping).
pub fn sentences(text: &str, span: Span) -> Vec<Span> {
    let bytes = text.as_bytes();
    let para = &bytes[span.start..span.end];
    let mut out = Vec::new();
    let mut start = 0usize;
    for pos in memchr::memchr3_iter(b'.', b'!', b'?', para) {
        if pos < start {
            continue;
        }
        // Extend over runs of terminators and closing quotes/brackets.
        let mut end = pos + 1;
        loop {
            match para.get(end..) {
                Some([b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']', ..]) => end += 1,
                Some([0xE2, 0x80, 0x9D | 0x99, ..]) => end += 3,
                _ => break,
            }
        }
        // A boundary needs whitespace next and then something that can open a sentence.
        if para.get(end) != Some(&b' ') {
            continue;
        }
        let next = para.get(end + 1).copied().unwrap_or(b'a');
        let opens = next.is_ascii_uppercase()
            || next.is_ascii_digit()
            || matches!(next, b'"' | b'\'' | b'(' | b'[' | 0xE2 | 0xC3 | 0xC2);
        if !opens {
            continue;
        }
        if para[pos] == b'.' && is_abbreviation(&para[start..pos]) {
            continue;
        }
        out.push(Span::new(span.start + start, span.start + end));
        start = end + 1;
    }
    if start < para.len() {
        out.push(Span::new(span.start + start, span.end));
    }
    out
}

/// True when the word just before a full stop is an abbreviation or an initial ("J. R. Smith").
fn is_abbreviation(before: &[u8]) -> bool {
    let word_start = before.iter().rposition(|&b| b == b' ' || b == b'(' || b == b'"').map_or(0, |p| p + 1);
    let word = &before[word_start..];
    if word.len() == 1 && word[0].is_ascii_uppercase() {
        return true;
    }
    if word.is_empty() || word.len() > 6 || !word.iter().all(|b| b.is_ascii_alphabetic() || *b == b'.') {
        return false;
    }
    let lower = word.to_ascii_lowercase();
    ABBREVIATIONS.iter().any(|a| a.as_bytes() == lower.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<&str> {
        sentences(s, Span::new(0, s.len())).into_iter().map(|sp| &s[sp.start..sp.end]).collect()
    }

    #[test]
    fn splits_on_terminators_and_quotes() {
        assert_eq!(
            split("He ran. \"Stop!\" she cried. Was it over? Yes."),
            vec!["He ran.", "\"Stop!\" she cried.", "Was it over?", "Yes."]
        );
    }

    #[test]
    fn keeps_abbreviations_and_initials() {
        assert_eq!(split("Mr. Utterson met Dr. Jekyll. J. R. Smith came."), vec![
            "Mr. Utterson met Dr. Jekyll.",
            "J. R. Smith came."
        ]);
    }

    #[test]
    fn lower_case_after_stop_does_not_split_and_unicode_quotes_work() {
        assert_eq!(split("It was 3 p.m. when he came. “Go.” He went"), vec![
            "It was 3 p.m. when he came.",
            "“Go.”",
            "He went"
        ]);
    }
}
