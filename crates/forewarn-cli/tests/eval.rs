//! `forewarn eval` on small gold files in the dev-set and Webis formats.

mod util;
use util::*;

#[test]
fn gold_format_eval_scores_a_perfect_and_a_missed_label() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs.jsonl");
    let gold = dir.path().join("gold.jsonl");
    std::fs::write(&docs, "{\"id\": \"a\", \"paragraphs\": [\"Tea.\", \"That night he took his own life.\", \"Morning came.\"]}\n").unwrap();
    std::fs::write(&gold, "{\"id\": \"a\", \"paragraphs\": {\"1\": {\"suicide\": \"depiction\"}, \"2\": {\"war\": \"mention\"}}}\n").unwrap();
    let o = run(&["eval", "--json", "--docs", docs.to_str().unwrap(), "--gold", gold.to_str().unwrap(), "--baseline", "cue"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let e = &v["gold"][0];
    assert_eq!(e["paragraph"]["per_label"]["suicide"]["f1"], 1.0);
    assert_eq!(e["paragraph"]["per_label"]["war"]["f1"], 0.0);
    assert_eq!(e["excerpt"]["macro_f1"], 0.5);
    assert_eq!(v["gold"].as_array().unwrap().len(), 2, "baseline printed beside");
}

#[test]
fn webis_eval_reads_votes_and_reports_per_warning() {
    let (_d, p) = temp_file(
        "webis.jsonl",
        b"{\"warning\": \"war\", \"labels\": [1, 1, 0], \"text\": \"the soldiers marched into battle and the artillery opened fire.\"}\n\
          {\"warning\": \"war\", \"labels\": [0, 0, 1], \"text\": \"they had tea in the garden.\"}\n",
    );
    let o = run(&["eval", "--json", "--webis", p.to_str().unwrap()], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let w = &v["webis"][0]["per_warning"]["war"];
    assert_eq!((w["n"].as_u64(), w["positives"].as_u64(), w["accuracy"].as_f64()), (Some(2), Some(1), Some(1.0)));
}

#[test]
fn pan_eval_reads_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("works.jsonl"),
        "{\"work_id\": 1, \"text\": \"That night he took his own life.\"}\n{\"work_id\": 2, \"text\": \"Tea in the garden.\"}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("labels.jsonl"), "{\"work_id\": 1, \"labels\": [\"suicide\"]}\n{\"work_id\": 2, \"labels\": []}\n").unwrap();
    let o = run(&["eval", "--json", "--pan", dir.path().to_str().unwrap()], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let e = &v["pan"][0];
    assert_eq!(e["works"], 2);
    assert_eq!(e["per_label"]["suicide"]["f1"], 1.0);
    assert_eq!(e["macro_f1_present"], 1.0);
    assert_eq!(e["per_label"].as_object().unwrap().len(), 32);
}

#[test]
fn train_writes_a_model_that_eval_can_load() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("train.jsonl");
    let mut lines = String::new();
    for i in 0..30 {
        lines.push_str(&format!("{{\"text\": \"Passage {i}: he was murdered in the night.\", \"labels\": {{\"violence\": \"depiction\", \"death\": \"depiction\"}}}}\n"));
        lines.push_str(&format!("{{\"text\": \"Passage {i}: tea in the garden.\", \"labels\": {{}}, \"known\": null}}\n"));
    }
    std::fs::write(&data, lines).unwrap();
    let model = dir.path().join("m.safetensors");
    let o = run(&["train", "--data", data.to_str().unwrap(), "-o", model.to_str().unwrap(), "--bits", "12", "--epochs", "3"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let (_d, p) = temp_file("webis.jsonl", b"{\"warning\": \"violence\", \"labels\": [1, 1, 1], \"text\": \"he was murdered in the night.\"}\n");
    let o = run(&["eval", "--json", "--webis", p.to_str().unwrap(), "--detector", "linear", "--model", model.to_str().unwrap()], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["webis"][0]["detector"], "linear-v1");
    assert_eq!(v["webis"][0]["overall"]["accuracy"], 1.0);

    let (_d2, bad) = temp_file("bad.safetensors", b"not a model");
    let o = run(&["eval", "--webis", p.to_str().unwrap(), "--detector", "linear", "--model", bad.to_str().unwrap()], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("bad.safetensors"), "{}", stderr(&o));
}

/// A tiny embeddings file: "ferryman" and "wept" point one way, "gardener" and "roses" another.
fn toy_embeddings(dir: &std::path::Path) -> std::path::PathBuf {
    use forewarn::detect::{embed::EmbedModel, static_embed::StaticEmbeddings, wordpiece::WordPiece};
    let wp = WordPiece::from_vocab("[PAD]\n[UNK]\n[CLS]\n[SEP]\nferryman\nwept\ngardener\nroses\nthe\n.\n").unwrap();
    let mut rows = vec![vec![0.0, 0.0, 0.0]; 4];
    rows.extend([vec![1.0, 0.1, 0.0], vec![0.9, 0.0, 0.2], vec![0.0, 1.0, 0.1], vec![0.1, 0.9, 0.0], vec![0.2, 0.2, 0.2], vec![0.0, 0.0, 0.1]]);
    let emb = StaticEmbeddings::from_rows(wp, &rows, vec![1.0; 10]);
    let path = dir.join("static.fwm");
    std::fs::write(&path, EmbedModel::new(emb, forewarn::Taxonomy::builtin()).to_bytes().unwrap()).unwrap();
    path
}

#[test]
fn train_embed_then_scan_and_eval_with_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let emb = toy_embeddings(dir.path());
    let data = dir.path().join("train.jsonl");
    let mut lines = String::new();
    for _ in 0..40 {
        lines.push_str("{\"text\": \"The ferryman wept.\", \"labels\": {\"death\": \"mention\"}}\n");
        lines.push_str("{\"text\": \"The gardener roses.\", \"labels\": {}}\n");
    }
    std::fs::write(&data, lines).unwrap();
    let model = dir.path().join("model.fwm");
    let (e, d, m) = (emb.to_str().unwrap(), data.to_str().unwrap(), model.to_str().unwrap());
    let o = run(&["train", "--kind", "embed", "--embeddings", e, "--data", d, "-o", m, "--add-at", "0.8"], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let docs = dir.path().join("docs.jsonl");
    std::fs::write(&docs, "{\"id\": \"a\", \"paragraphs\": [\"The gardener roses.\", \"The ferryman wept.\"]}\n").unwrap();
    let o = run(&["scan", "--format", "gold", "--detector", "embed", "--model", m, docs.to_str().unwrap()], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["paragraphs"]["1"]["death"].is_string(), "the head adds a label the lexicon has no word for: {v}");
    assert!(v["paragraphs"]["0"].is_null(), "{v}");
    // The same model is refused where a linear one is expected, and a linear-model flag without a file fails.
    let o = run(&["scan", "--detector", "linear", "--model", m, docs.to_str().unwrap()], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("not a forewarn-linear-v1 file"), "{}", stderr(&o));
    let o = run(&["scan", "--detector", "embed", docs.to_str().unwrap()], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("needs a model file"), "{}", stderr(&o));
}

#[test]
fn train_embed_refuses_missing_or_wrong_embeddings() {
    let (_d, data) = temp_file("train.jsonl", b"{\"text\": \"x\", \"labels\": {}}\n");
    let d = data.to_str().unwrap();
    let o = run(&["train", "--kind", "embed", "--data", d, "-o", "/dev/null"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--embeddings"), "{}", stderr(&o));
    let o = run(&["train", "--kind", "embed", "--embeddings", d, "--data", d, "-o", "/dev/null"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("model:"), "{}", stderr(&o));
    let o = run(&["train", "--kind", "forest", "--data", d, "-o", "/dev/null"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown --kind"), "{}", stderr(&o));
}

#[cfg(not(feature = "minilm"))]
#[test]
fn minilm_needs_its_build_feature() {
    let (_d, p) = temp_file("s.txt", b"Tea in the garden.");
    let o = run(&["scan", "--detector", "minilm", "--minilm", "/nonexistent", p.to_str().unwrap()], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--features minilm"), "{}", stderr(&o));
}
