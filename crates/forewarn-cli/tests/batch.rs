//! Batches: output to a file, --resume after an interrupted run, stable order across threads.

mod util;
use util::*;

fn works(n: usize) -> String {
    (0..n)
        .map(|i| {
            let text = if i % 3 == 0 { "He was murdered in the night.\\n\\nThe house was silent." } else { "Tea in the garden." };
            format!("{{\"work_id\": \"w{i}\", \"text\": \"{text}\"}}\n")
        })
        .collect()
}

fn ids(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["work_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn resume_skips_done_works_and_repairs_a_cut_line() {
    let (dir, input) = temp_file("works.jsonl", works(200).as_bytes());
    let out = dir.path().join("out.jsonl");
    let o = run(&["scan", "--format", "pan", "-o", out.to_str().unwrap(), input.to_str().unwrap()], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let full = ids(&out);
    assert_eq!(full.len(), 200);

    // Simulate an interrupted run: keep 50 lines and half of the 51st.
    let text = std::fs::read_to_string(&out).unwrap();
    let mut cut: String = text.lines().take(50).map(|l| format!("{l}\n")).collect();
    cut.push_str(&text.lines().nth(50).unwrap()[..10]);
    std::fs::write(&out, cut).unwrap();

    let o = run(&["scan", "--format", "pan", "--resume", "-o", out.to_str().unwrap(), input.to_str().unwrap()], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("50 skipped as already done"), "{}", stderr(&o));
    assert_eq!(ids(&out), full, "same works, same order, nothing twice");
}

#[test]
fn resume_needs_an_output_file_and_a_line_format() {
    let (_d, input) = temp_file("works.jsonl", works(2).as_bytes());
    let o = run(&["scan", "--resume", input.to_str().unwrap()], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--resume needs"));
}

#[test]
fn output_order_is_stable_across_thread_counts() {
    let (_d, input) = temp_file("works.jsonl", works(300).as_bytes());
    let one = run(&["scan", "--format", "pan", "-j", "1", input.to_str().unwrap()], None);
    let two = run(&["scan", "--format", "pan", "-j", "2", input.to_str().unwrap()], None);
    assert_eq!(code(&one), 0);
    assert_eq!(stdout(&one), stdout(&two));
    assert!(stderr(&two).contains("300 works scanned, 100 with warnings, 0 failed"), "{}", stderr(&two));
}
