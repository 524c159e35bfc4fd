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
