//! The BERT "uncased" WordPiece tokenizer of all-MiniLM-L6-v2, written out so the fast path needs no
//! tokenizer runtime: normalise (drop control characters, lowercase, strip accents, space out CJK
//! characters), split on whitespace and punctuation, then greedy longest-match against the vocabulary
//! with `##` continuation pieces. It reproduces Hugging Face's `BertNormalizer` + `BertPreTokenizer` +
//! `WordPiece` (checked against the reference on the dev texts: see BENCHMARKS.md).

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, ErrorKind, Result};

/// Words longer than this many characters become `[UNK]`, as in BERT.
const MAX_WORD_CHARS: usize = 100;

/// A WordPiece vocabulary and the tokenizer over it.
#[derive(Debug, Clone)]
pub struct WordPiece {
    vocab: HashMap<String, u32>,
    /// Continuation pieces, keyed without their `##`.
    cont: HashMap<String, u32>,
    tokens: Vec<String>,
    unk: u32,
    cls: u32,
    sep: u32,
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x2010..=0x2027 | 0x2030..=0x205E | 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F | 0xFF01..=0xFF0F)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F | 0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

impl WordPiece {
    /// Reads a `vocab.txt` (one token per line, line number = id).
    pub fn from_vocab(text: &str) -> Result<WordPiece> {
        let tokens: Vec<String> = text.lines().map(str::to_string).collect();
        let mut vocab = HashMap::with_capacity(tokens.len());
        let mut cont = HashMap::new();
        for (i, t) in tokens.iter().enumerate() {
            vocab.entry(t.clone()).or_insert(i as u32);
            if let Some(rest) = t.strip_prefix("##") {
                cont.entry(rest.to_string()).or_insert(i as u32);
            }
        }
        let id = |t: &str| vocab.get(t).copied().ok_or_else(|| Error::new(ErrorKind::Model, format!("vocabulary lacks {t}")));
        let (unk, cls, sep) = (id("[UNK]")?, id("[CLS]")?, id("[SEP]")?);
        Ok(WordPiece { vocab, cont, tokens, unk, cls, sep })
    }

    /// Vocabulary size.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether the vocabulary is empty (never, for a loaded one).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The token of an id.
    pub fn token(&self, id: u32) -> &str {
        &self.tokens[id as usize]
    }

    /// `[CLS]` and `[SEP]`.
    pub fn specials(&self) -> (u32, u32) {
        (self.cls, self.sep)
    }

    /// Appends the ids of `text` (no special tokens) to `out`.
    pub fn encode_into(&self, text: &str, out: &mut Vec<u32>) {
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut Vec<u32>| {
            if !word.is_empty() {
                self.word_pieces(word, out);
                word.clear();
            }
        };
        for c in text.chars() {
            if c == '\0' || c == '\u{FFFD}' || (c.is_control() && !c.is_whitespace()) {
                continue;
            }
            if c.is_whitespace() {
                flush(&mut word, out);
                continue;
            }
            if c.is_ascii() {
                let c = c.to_ascii_lowercase();
                if c.is_ascii_punctuation() {
                    flush(&mut word, out);
                    self.word_pieces(c.encode_utf8(&mut [0; 4]), out);
                } else {
                    word.push(c);
                }
                continue;
            }
            for l in c.to_lowercase() {
                for d in l.nfd().filter(|&d| !is_combining_mark(d)) {
                    if is_punct(d) || is_cjk(d) {
                        flush(&mut word, out);
                        self.word_pieces(d.encode_utf8(&mut [0; 4]), out);
                    } else {
                        word.push(d);
                    }
                }
            }
        }
        flush(&mut word, out);
    }

    /// The ids of `text` wrapped in `[CLS]` ... `[SEP]`, cut to `max_len` tokens in all.
    pub fn encode_for_model(&self, text: &str, max_len: usize) -> Vec<u32> {
        let mut ids = vec![self.cls];
        self.encode_into(text, &mut ids);
        ids.truncate(max_len.saturating_sub(1).max(1));
        ids.push(self.sep);
        ids
    }

    fn word_pieces(&self, word: &str, out: &mut Vec<u32>) {
        if word.chars().count() > MAX_WORD_CHARS {
            out.push(self.unk);
            return;
        }
        if let Some(&id) = self.vocab.get(word) {
            out.push(id);
            return;
        }
        let mark = out.len();
        let mut start = 0;
        while start < word.len() {
            let table = if start == 0 { &self.vocab } else { &self.cont };
            let mut end = word.len();
            let found = loop {
                if end <= start {
                    break None;
                }
                if word.is_char_boundary(end) {
                    if let Some(&id) = table.get(&word[start..end]) {
                        break Some(id);
                    }
                }
                end -= 1;
            };
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(mark);
                    out.push(self.unk);
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> WordPiece {
        let v = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\nun\n##want\n##ed\n,\nwant\ncafe\n.\n!\n";
        WordPiece::from_vocab(v).unwrap()
    }

    #[test]
    fn splits_pieces_punctuation_and_accents() {
        let wp = vocab();
        let mut ids = Vec::new();
        wp.encode_into("The UNWANTED, Café!", &mut ids);
        let toks: Vec<&str> = ids.iter().map(|&i| wp.token(i)).collect();
        assert_eq!(toks, ["the", "un", "##want", "##ed", ",", "cafe", "!"]);
    }

    #[test]
    fn unknown_words_and_limits() {
        let wp = vocab();
        let mut ids = Vec::new();
        wp.encode_into("unwantedx zzz", &mut ids);
        assert_eq!(ids, [1, 1]);
        let ids = wp.encode_for_model("the the the the", 4);
        assert_eq!(ids, [2, 4, 4, 3]);
        assert!(WordPiece::from_vocab("a\nb\n").is_err());
    }
}
