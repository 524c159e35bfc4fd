//! Hashed n-gram features of a passage, fastText style: lower-cased word unigrams and bigrams, each
//! hashed (FNV-1a) into `2^bits` buckets, deduplicated, with one shared value `1/sqrt(n)`.

/// Feature buckets of `text`, sorted and unique, with the value each carries.
pub fn hashed_ngrams(text: &str, bits: u32, out: &mut Vec<u32>) -> f32 {
    out.clear();
    let mask = (1u64 << bits) - 1;
    let mut prev: Option<u64> = None;
    let mut word = String::new();
    let flush = |word: &mut String, prev: &mut Option<u64>, out: &mut Vec<u32>| {
        if word.is_empty() {
            *prev = None;
            return;
        }
        let h = fnv(word.as_bytes(), 0xcbf2_9ce4_8422_2325);
        out.push((h & mask) as u32);
        if let Some(p) = *prev {
            out.push(((fnv(word.as_bytes(), p ^ 0x9E37_79B9_7F4A_7C15)) & mask) as u32);
        }
        *prev = Some(h);
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if (c == '\'' || c == '\u{2019}') && !word.is_empty() {
            word.push('\'');
        } else {
            let sentence_end = matches!(c, '.' | '!' | '?' | ';' | ':');
            flush(&mut word, &mut prev, out);
            if sentence_end {
                prev = None;
            }
        }
    }
    flush(&mut word, &mut prev, out);
    out.sort_unstable();
    out.dedup();
    if out.is_empty() { 0.0 } else { 1.0 / (out.len() as f32).sqrt() }
}

fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h = seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_words_same_buckets_and_bigrams_differ_by_order() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let va = hashed_ngrams("She cut herself.", 18, &mut a);
        hashed_ngrams("SHE CUT HERSELF", 18, &mut b);
        assert_eq!(a, b);
        assert_eq!(a.len(), 5, "3 unigrams + 2 bigrams");
        assert!((va - 1.0 / 5f32.sqrt()).abs() < 1e-6);
        let mut c = Vec::new();
        hashed_ngrams("herself cut she", 18, &mut c);
        assert_ne!(a, c);
    }
}
