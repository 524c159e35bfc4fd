//! Bad input: a one-line error naming the file (and line), exit 2, and the rest of a batch still done.

mod util;
use std::io::Write;
use util::*;

fn assert_fails(args: &[&str], needle: &str) -> std::process::Output {
    let o = run(args, None);
    assert_eq!(code(&o), 2, "stdout: {} stderr: {}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(needle), "expected '{needle}' in: {err}");
    assert!(!err.contains("panicked") && !err.contains("internal error"), "{err}");
    o
}

#[test]
fn missing_file() {
    assert_fails(&["scan", "/nonexistent/story.txt"], "/nonexistent/story.txt");
}

#[test]
fn binary_empty_and_blank_files() {
    let (_d, p) = temp_file("x.bin", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    assert_fails(&["scan", p.to_str().unwrap()], "binary");
    let (_d, p) = temp_file("empty.txt", b"");
    assert_fails(&["scan", p.to_str().unwrap()], "empty.txt");
    let (_d, p) = temp_file("blank.txt", b"\n\n   \n");
    assert_fails(&["scan", p.to_str().unwrap()], "no text");
}

#[test]
fn directory_without_stories() {
    let dir = tempfile::tempdir().unwrap();
    assert_fails(&["scan", dir.path().to_str().unwrap()], "no stories");
}

#[test]
fn malformed_html_and_epub() {
    let (_d, p) = temp_file("t.html", b"<html><body><div><p>Unclosed <b>tags <i>everywhere</p></div><p>He was killed.");
    let o = run(&["scan", p.to_str().unwrap()], None);
    assert_eq!(code(&o), 0, "malformed HTML is still read: {}", stderr(&o));

    let (_d, p) = temp_file("t.epub", b"PK\x03\x04this is not really a zip file");
    assert_fails(&["scan", p.to_str().unwrap()], "t.epub");
}

#[test]
fn zip_bomb_epub_is_refused() {
    // 300 MiB of zeros compress to a few hundred KiB; the reader stops at its 256 MiB budget.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        z.start_file("META-INF/container.xml", o).unwrap();
        z.write_all(br#"<container><rootfiles><rootfile full-path="c.opf"/></rootfiles></container>"#).unwrap();
        z.start_file("c.opf", o).unwrap();
        z.write_all(br#"<package><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/></spine></package>"#).unwrap();
        z.start_file("a.xhtml", o).unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..300 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap();
    }
    let (_d, p) = temp_file("bomb.epub", &buf.into_inner());
    assert_fails(&["scan", p.to_str().unwrap()], "zip bomb");
}

#[test]
fn bad_jsonl_lines_are_reported_and_the_rest_processed() {
    let jsonl = "{\"work_id\": \"a\", \"text\": \"He was murdered in the night.\"}\n{broken\n{\"work_id\": \"c\", \"text\": \"Tea.\"}\n{\"work_id\": \"d\"}\n";
    let (_d, p) = temp_file("w.jsonl", jsonl.as_bytes());
    let o = assert_fails(&["scan", "--format", "pan", p.to_str().unwrap()], "w.jsonl:2");
    assert!(stderr(&o).contains("w.jsonl:4"), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2, "works a and c are still reported");
    assert!(stderr(&o).contains("2 works scanned") && stderr(&o).contains("2 failed"), "{}", stderr(&o));
}

#[test]
fn one_bad_file_in_a_batch_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "She was murdered.").unwrap();
    std::fs::write(dir.path().join("b.txt"), b"\x00\x01\x02\x03binary").unwrap();
    std::fs::write(dir.path().join("c.txt"), "Tea in the garden.").unwrap();
    let o = assert_fails(&["scan", "--format", "jsonl", dir.path().to_str().unwrap()], "b.txt");
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "two reports and one error record, in input order");
    assert_eq!(lines[1]["schema"], "forewarn.error");
    assert!(lines[1]["id"].as_str().unwrap().ends_with("b.txt"));
    assert!(lines[2]["work"]["id"].as_str().unwrap().ends_with("c.txt"));
}

#[test]
fn unknown_label_and_bad_profile_are_usage_errors() {
    let (_d, p) = temp_file("s.txt", b"Tea.");
    assert_fails(&["check", "--avoid", "spiders", p.to_str().unwrap()], "spiders");
    let (_d2, prof) = temp_file("p.toml", b"avoid = [\"suicide\"]\nat = \"loud\"\n");
    assert_fails(&["check", "--profile", prof.to_str().unwrap(), p.to_str().unwrap()], "loud");
    assert_fails(&["check", p.to_str().unwrap()], "nothing to check");
}

#[test]
fn profile_file_drives_check() {
    let (_d, story) = temp_file("s.txt", b"Years ago his brother had died in the war.\n\nNow they sat down to tea.");
    let (_d2, prof) = temp_file("p.toml", b"avoid = [\"death\"]\nat = \"depiction\"\n");
    let o = run(&["check", "--profile", prof.to_str().unwrap(), story.to_str().unwrap()], None);
    assert_eq!(code(&o), 0, "a mention is below the reader's threshold: {}", stdout(&o));
    let (_d3, prof) = temp_file("p.toml", b"avoid = [\"death\"]\n");
    let o = run(&["check", "-q", "--profile", prof.to_str().unwrap(), story.to_str().unwrap()], None);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).is_empty());
}
