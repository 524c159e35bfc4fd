//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, otherwise Windows-1252 with a notice.
//! Also tells binary data from text.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind, Result};

/// Text decoded from bytes, with a notice when the encoding was a guess.
pub struct Decoded<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// Set when the bytes were not valid UTF-8 and were read as Windows-1252.
    pub notice: Option<String>,
}

/// Decodes `bytes` into text; binary data and empty input are errors.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>> {
    let (text, notice): (Cow<'_, str>, Option<String>) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (String::from_utf8_lossy(rest), None)
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes[0] == 0xFF { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
        let notice = had_errors.then(|| "invalid UTF-16 sequences were replaced".to_string());
        (Cow::Owned(text.into_owned()), notice)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => (Cow::Borrowed(s), None),
            Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 => {
                // Cut inside the last character: a truncated UTF-8 file, not Windows-1252.
                (
                    Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
                    Some("the file ends inside a UTF-8 character (truncated?); the last character was dropped".into()),
                )
            }
            Err(_) => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                (
                    Cow::Owned(text.into_owned()),
                    Some("not valid UTF-8; read as Windows-1252".to_string()),
                )
            }
        }
    };
    if looks_binary(&text) {
        return Err(Error::new(ErrorKind::Binary, "binary data, not text"));
    }
    if text.trim().is_empty() {
        return Err(Error::new(ErrorKind::Empty, "no text (the file is empty or blank)"));
    }
    Ok(Decoded { text, notice })
}

/// True when the text holds NUL bytes or many control characters (in its first 64 KiB).
fn looks_binary(text: &str) -> bool {
    let head: &str = match text.char_indices().nth(65_536) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    let mut total = 0usize;
    let mut control = 0usize;
    for c in head.chars() {
        total += 1;
        if c == '\0' {
            return true;
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            control += 1;
        }
    }
    total > 0 && control * 100 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_and_falls_back_to_1252() {
        assert_eq!(decode(b"\xEF\xBB\xBFhi").unwrap().text, "hi");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("héllo".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(&utf16).unwrap().text, "héllo");
        let d = decode(b"caf\xe9 \x93quoted\x94").unwrap();
        assert_eq!(d.text, "café “quoted”");
        assert!(d.notice.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn rejects_binary_and_empty() {
        assert_eq!(decode(b"\x7fELF\x02\x01\x01\x00\x00").err().unwrap().kind(), &ErrorKind::Binary);
        assert_eq!(decode(b"  \n\n ").err().unwrap().kind(), &ErrorKind::Empty);
    }
}
