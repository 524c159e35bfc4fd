//! Every input format, detected from content, through the command line.

mod util;
use std::io::Write;
use util::*;

const STORY: &str = "The morning was quiet.\n\nThat night he took his own life, and the house was silent.\n";

#[test]
fn ao3_work_page_keeps_tags_and_notes_apart_from_the_story() {
    let path = shared().join("fixtures/ao3/34713199.html");
    let r = json_report(path.to_str().unwrap());
    assert_eq!(r["work"]["format"], "ao3-page");
    assert!(r["work"]["title"].is_string());
    assert!(!r["work"]["fandoms"].as_array().unwrap().is_empty());
    assert!(r["work"]["paragraphs"].as_u64().unwrap() > 10);
    assert!(r["ao3"]["missing"].is_array(), "an AO3 work is compared with its own tags");
}

#[test]
fn both_ao3_fixtures_read_as_ao3_pages() {
    for id in ["21640402", "34713199"] {
        let path = shared().join(format!("fixtures/ao3/{id}.html"));
        let r = json_report(path.to_str().unwrap());
        assert_eq!(r["work"]["format"], "ao3-page", "{id}");
        assert!(!r["work"]["freeform_tags"].as_array().unwrap().is_empty(), "{id}");
    }
}

#[test]
fn plain_text_from_stdin() {
    let o = run(&["scan", "--format", "json", "-"], Some(STORY.as_bytes()));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["work"]["id"], "<stdin>");
    assert_eq!(labels(&r)[0].0, "suicide");
}

#[test]
fn utf16_and_windows_1252_are_decoded() {
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(STORY.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let (_d, p) = temp_file("story16.txt", &utf16);
    let r = json_report(p.to_str().unwrap());
    assert_eq!(labels(&r)[0].0, "suicide");

    let cp1252 = b"Caf\xe9 at dawn.\n\nThat night he took his own life.\n";
    let (_d, p) = temp_file("story1252.txt", cp1252);
    let r = json_report(p.to_str().unwrap());
    assert!(r["notices"][0].as_str().unwrap().contains("Windows-1252"));
    assert_eq!(labels(&r)[0].0, "suicide");
}

#[test]
fn markdown_and_html_by_content() {
    let md = "# Chapter One\n\nThe morning was **quiet**.\n\n# Chapter Two\n\nThat night he took his own life.\n";
    let (_d, p) = temp_file("story.md", md.as_bytes());
    let r = json_report(p.to_str().unwrap());
    assert_eq!(r["work"]["format"], "markdown");
    assert_eq!(r["work"]["chapters"], 2);
    assert_eq!(r["labels"][0]["passages"][0]["chapter"], 2);

    let html = "<!DOCTYPE html><html><head><title>T</title><script>var kill = 1;</script></head><body><p>The morning was quiet.</p><p>That night he took his own life.</p></body></html>";
    let (_d, p) = temp_file("story.txt", html.as_bytes());
    let r = json_report(p.to_str().unwrap());
    assert_eq!(r["work"]["format"], "html");
    assert_eq!(r["work"]["paragraphs"], 2);
}

fn epub(chapters: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("mimetype", o).unwrap();
        z.write_all(b"application/epub+zip").unwrap();
        z.start_file("META-INF/container.xml", o).unwrap();
        z.write_all(br#"<container><rootfiles><rootfile full-path="content.opf"/></rootfiles></container>"#).unwrap();
        let items: String = chapters.iter().enumerate().map(|(i, (n, _))| format!(r#"<item id="i{i}" href="{n}" media-type="application/xhtml+xml"/>"#)).collect();
        let spine: String = (0..chapters.len()).map(|i| format!(r#"<itemref idref="i{i}"/>"#)).collect();
        z.start_file("content.opf", o).unwrap();
        z.write_all(format!("<package><metadata><dc:title>E</dc:title></metadata><manifest>{items}</manifest><spine>{spine}</spine></package>").as_bytes()).unwrap();
        for (n, body) in chapters {
            z.start_file(*n, o).unwrap();
            z.write_all(format!("<html><body>{body}</body></html>").as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn epub_chapters_in_spine_order() {
    let bytes = epub(&[("b.xhtml", "<h1>One</h1><p>The morning was quiet.</p>"), ("a.xhtml", "<h1>Two</h1><p>That night he took his own life.</p>")]);
    let (_d, p) = temp_file("book.epub", &bytes);
    let r = json_report(p.to_str().unwrap());
    assert_eq!(r["work"]["format"], "epub");
    assert_eq!(r["work"]["chapters"], 2);
    assert_eq!(r["labels"][0]["passages"][0]["chapter_title"], "Two");
}

#[test]
fn jsonl_works_in_pan_format_and_output_formats() {
    let jsonl = "{\"work_id\": \"a\", \"text\": \"The morning was quiet.\\n\\nThat night he took his own life.\"}\n{\"work_id\": \"b\", \"text\": \"Tea and cake in the garden.\"}\n";
    let (_d, p) = temp_file("works.jsonl", jsonl.as_bytes());
    let o = run(&["scan", "--format", "pan", p.to_str().unwrap()], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0], serde_json::json!({"work_id": "a", "labels": ["suicide"]}));
    assert_eq!(lines[1], serde_json::json!({"work_id": "b", "labels": []}));

    let o = run(&["scan", "--format", "gold", p.to_str().unwrap()], None);
    let first: serde_json::Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(first["paragraphs"]["1"]["suicide"], "depiction");

    let o = run(&["scan", "--format", "ao3", p.to_str().unwrap()], None);
    assert!(stdout(&o).contains("Suicide Attempt"), "{}", stdout(&o));
}

#[test]
fn spoiler_free_reports_have_no_quotes() {
    let (_d, p) = temp_file("s.txt", STORY.as_bytes());
    let o = run(&["scan", "--spoiler-free", p.to_str().unwrap()], None);
    assert!(stdout(&o).contains("suicide"));
    assert!(!stdout(&o).contains("took his own life"), "{}", stdout(&o));
    let o = run(&["scan", "--spoiler-free", "--format", "json", p.to_str().unwrap()], None);
    assert!(!stdout(&o).contains("took his own life"));
    let o = run(&["scan", p.to_str().unwrap()], None);
    assert!(stdout(&o).contains("took his own life"), "quotes shown when not spoiler-free");
}

#[test]
fn directory_is_walked_recursively_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/b.txt"), STORY).unwrap();
    std::fs::write(dir.path().join("a.txt"), "Tea in the garden.").unwrap();
    std::fs::write(dir.path().join(".hidden.txt"), "x").unwrap();
    let o = run(&["scan", "--format", "jsonl", dir.path().to_str().unwrap()], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let ids: Vec<String> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["work"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids[0].ends_with("a.txt") && ids[1].ends_with("b.txt"), "{ids:?}");
    assert!(stderr(&o).contains("2 works scanned"), "{}", stderr(&o));
}
