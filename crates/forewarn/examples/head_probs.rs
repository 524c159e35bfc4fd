//! Analysis tool: the probability of every head of an embed-v1 model for every paragraph of
//! documents in the dev-set format, one JSON line per document, for `scripts/analysis/`.
//!
//! cargo run --release --example head_probs -- MODEL.fwm DOCS.jsonl > probs.jsonl
use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        return Err("usage: head_probs MODEL.fwm DOCS.jsonl".into());
    }
    let model = forewarn::detect::embed::EmbedModel::from_bytes(&std::fs::read(&args[1])?)?;
    let mut ids = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(&args[2])?).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let paragraphs = v["paragraphs"].as_array().ok_or("a document without \"paragraphs\"")?;
        let probs: Vec<Vec<f32>> = paragraphs
            .iter()
            .map(|p| {
                let x = model.features(p.as_str().unwrap_or(""), &mut ids);
                (0..model.labels.len()).map(|h| model.prob(h, &x)).collect()
            })
            .collect();
        println!("{}", serde_json::json!({"id": v["id"], "labels": model.labels, "probs": probs}));
    }
    Ok(())
}
