//! Analysis tool: embeds texts and writes the vectors as raw little-endian f32 rows (384 per text),
//! for the experiments in `scripts/analysis/`.
//!
//! cargo run --release --example embed_texts --features minilm -- (minilm DIR | static MODEL.fwm) TEXTS OUT
//!
//! TEXTS holds one JSON string per line. `minilm` runs the transformer; `static` the static embeddings
//! of an embed-v1 model file.
use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        return Err("usage: embed_texts (minilm DIR | static MODEL.fwm) TEXTS OUT".into());
    }
    let mut texts = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(&args[3])?).lines() {
        texts.push(serde_json::from_str::<String>(&line?)?);
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(&args[4])?);
    let mut write = |v: &[f32]| v.iter().try_for_each(|x| out.write_all(&x.to_le_bytes()));
    match args[1].as_str() {
        "minilm" => {
            let m = forewarn::detect::minilm::MiniLm::load(std::path::Path::new(&args[2]))?;
            for chunk in texts.chunks(256) {
                let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
                for v in m.embed(&refs)? {
                    write(&v)?;
                }
            }
        }
        "static" => {
            let model = forewarn::detect::embed::EmbedModel::from_bytes(&std::fs::read(&args[2])?)?;
            let mut ids = Vec::new();
            for t in &texts {
                write(&model.embeddings.embed(t, &mut ids))?;
            }
        }
        other => return Err(format!("unknown encoder '{other}'").into()),
    }
    Ok(())
}
