//! Cue pattern expansion: `a|b` alternatives per word slot and `word*` regular inflections.

/// Regular inflections of an English word: itself, -s/-es, -ed/-d, -ing, with e-dropping,
/// y -> ies/ied, ie -> ying, and final-consonant doubling for short consonant-vowel-consonant words.
pub fn inflections(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    let b = word.as_bytes();
    let n = b.len();
    if n < 2 || !word.is_ascii() {
        return out;
    }
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let last = b[n - 1];
    if word.ends_with("ie") {
        let stem = &word[..n - 2];
        out.extend([format!("{word}s"), format!("{word}d"), format!("{stem}ying")]);
    } else if last == b'e' {
        let stem = &word[..n - 1];
        out.extend([format!("{word}s"), format!("{word}d"), format!("{stem}ing")]);
    } else if last == b'y' && !vowel(b[n - 2]) {
        let stem = &word[..n - 1];
        out.extend([format!("{stem}ies"), format!("{stem}ied"), format!("{word}ing")]);
    } else if matches!(last, b's' | b'x' | b'z') || word.ends_with("ch") || word.ends_with("sh") {
        out.extend([format!("{word}es"), format!("{word}ed"), format!("{word}ing")]);
    } else {
        let double = n <= 4 && n >= 3 && !vowel(last) && !matches!(last, b'w' | b'x' | b'y') && vowel(b[n - 2]) && !vowel(b[n - 3]);
        out.push(format!("{word}s"));
        if double {
            let c = last as char;
            out.extend([format!("{word}{c}ed"), format!("{word}{c}ing"), format!("{word}{c}er")]);
        } else {
            out.extend([format!("{word}ed"), format!("{word}ing")]);
        }
        out.push(format!("{word}er"));
        out.push(format!("{word}ers"));
    }
    out
}

/// Expands a pattern (words separated by spaces; `a|b` alternatives; `word*` inflections) into phrases.
/// Expansion is capped at `limit` phrases.
pub fn expand(pattern: &str, limit: usize) -> Vec<String> {
    let mut phrases = vec![String::new()];
    for slot in pattern.split_whitespace() {
        let mut options = Vec::new();
        for alt in slot.split('|') {
            match alt.strip_suffix('*') {
                Some(stem) => options.extend(inflections(stem)),
                None => options.push(alt.to_string()),
            }
        }
        let mut next = Vec::with_capacity(phrases.len() * options.len());
        for p in &phrases {
            for o in &options {
                if next.len() >= limit {
                    break;
                }
                next.push(if p.is_empty() { o.clone() } else { format!("{p} {o}") });
            }
        }
        phrases = next;
    }
    phrases.retain(|p| !p.is_empty());
    phrases.sort();
    phrases.dedup();
    phrases
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_inflections() {
        assert!(inflections("stab").contains(&"stabbed".to_string()));
        assert!(inflections("stab").contains(&"stabbing".to_string()));
        assert!(inflections("die").contains(&"dying".to_string()));
        assert!(inflections("strangle").contains(&"strangling".to_string()));
        assert!(inflections("bury").contains(&"buried".to_string()));
        assert!(inflections("murder").contains(&"murdered".to_string()));
        assert!(!inflections("murder").contains(&"murderred".to_string()));
        assert!(inflections("punch").contains(&"punches".to_string()));
    }

    #[test]
    fn expands_alternatives_and_inflections() {
        let e = expand("kill* himself|herself", 100);
        assert!(e.contains(&"killed herself".to_string()));
        assert!(e.contains(&"killing himself".to_string()));
        assert_eq!(expand("a|b c|d", 100).len(), 4);
        assert_eq!(expand("a|b c|d", 3).len(), 3);
    }
}
