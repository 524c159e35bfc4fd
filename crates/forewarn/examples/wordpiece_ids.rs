//! Analysis tool: forewarn's WordPiece ids of texts (one JSON string per line), one line of
//! space-separated ids per text, to compare with Hugging Face `tokenizers` (scripts/analysis).
//!
//! cargo run --release --example wordpiece_ids -- VOCAB.txt TEXTS > ids.txt
use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        return Err("usage: wordpiece_ids VOCAB.txt TEXTS".into());
    }
    let wp = forewarn::detect::wordpiece::WordPiece::from_vocab(&std::fs::read_to_string(&args[1])?)?;
    let mut ids = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(&args[2])?).lines() {
        let text: String = serde_json::from_str(&line?)?;
        ids.clear();
        wp.encode_into(&text, &mut ids);
        println!("{}", ids.iter().map(u32::to_string).collect::<Vec<_>>().join(" "));
    }
    Ok(())
}
