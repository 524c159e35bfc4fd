//! EPUB: a zip with an OPF package; chapters are read in spine order. AO3 EPUBs put their tags in a
//! preface file (read as metadata) and FanFicFare adds title, contents and log pages (skipped). Reading is
//! bounded: entry count and decompressed size are capped so a zip bomb is an error, not an outage.

use std::io::{Cursor, Read};
use std::sync::OnceLock;

use regex::Regex;
use scraper::Html;

use super::{ao3, decode, html};
use crate::document::DocumentBuilder;
use crate::error::{Error, ErrorKind, Result};

/// Most entries an EPUB may have.
const MAX_ENTRIES: usize = 20_000;
/// Most bytes read out of one EPUB after decompression.
const MAX_TOTAL: u64 = 256 << 20;

struct Reader<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    budget: u64,
}

impl Reader<'_> {
    fn read(&mut self, name: &str) -> Result<Vec<u8>> {
        let entry = self
            .zip
            .by_name(name)
            .map_err(|e| Error::malformed(format!("EPUB entry {name}: {e}")))?;
        let mut buf = Vec::new();
        let limit = self.budget + 1;
        entry
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| Error::malformed(format!("EPUB entry {name}: {e}")))?;
        if buf.len() as u64 > self.budget {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!("EPUB decompresses to more than {} MiB (zip bomb?)", MAX_TOTAL >> 20),
            ));
        }
        self.budget -= buf.len() as u64;
        Ok(buf)
    }
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    static CACHE: OnceLock<Regex> = OnceLock::new();
    let r = re(&CACHE, r#"([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')"#);
    r.captures_iter(tag)
        .find(|c| c[1].eq_ignore_ascii_case(name))
        .and_then(|c| c.get(2).or(c.get(3)).map(|m| m.as_str()))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn join(base_dir: &str, href: &str) -> String {
    let href = percent_decode(href.split('#').next().unwrap_or(href));
    let mut parts: Vec<&str> = base_dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn is_front_or_back_matter(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    ["title_page", "titlepage", "toc", "nav.", "cover", "log_page", "afterword", "preface", "information", "copyright"]
        .iter()
        .any(|k| name.contains(k))
}

/// Reads an EPUB from `bytes` into `b`.
pub fn read_into(b: &mut DocumentBuilder, bytes: &[u8]) -> Result<()> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Error::malformed(format!("not a readable EPUB (zip): {e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(Error::new(ErrorKind::TooLarge, format!("EPUB has {} entries (limit {MAX_ENTRIES})", zip.len())));
    }
    let mut r = Reader { zip, budget: MAX_TOTAL };
    let container = r.read("META-INF/container.xml")?;
    let container = String::from_utf8_lossy(&container);
    static ROOTFILE: OnceLock<Regex> = OnceLock::new();
    let opf_path = re(&ROOTFILE, r#"<(?:\w+:)?rootfile\b[^>]*>"#)
        .find(&container)
        .and_then(|m| attr(m.as_str(), "full-path"))
        .ok_or_else(|| Error::malformed("EPUB container.xml names no package (rootfile)"))?
        .to_string();
    let opf = r.read(&opf_path)?;
    let opf = String::from_utf8_lossy(&opf).into_owned();
    let base_dir = opf_path.rsplit_once('/').map_or("", |(d, _)| d).to_string();

    static TITLE: OnceLock<Regex> = OnceLock::new();
    static CREATOR: OnceLock<Regex> = OnceLock::new();
    if let Some(c) = re(&TITLE, r"(?s)<dc:title[^>]*>(.*?)</dc:title>").captures(&opf) {
        b.meta().title = Some(crate::document::normalise_ws(&c[1]));
    }
    b.meta().authors = re(&CREATOR, r"(?s)<dc:creator[^>]*>(.*?)</dc:creator>")
        .captures_iter(&opf)
        .map(|c| crate::document::normalise_ws(&c[1]))
        .collect();

    static ITEM: OnceLock<Regex> = OnceLock::new();
    static ITEMREF: OnceLock<Regex> = OnceLock::new();
    let manifest: Vec<(String, String, String)> = re(&ITEM, r"<(?:\w+:)?item\b[^>]*>")
        .find_iter(&opf)
        .filter_map(|m| {
            let t = m.as_str();
            Some((attr(t, "id")?.to_string(), attr(t, "href")?.to_string(), attr(t, "media-type").unwrap_or("").to_string()))
        })
        .collect();
    let spine: Vec<String> = re(&ITEMREF, r"<(?:\w+:)?itemref\b[^>]*>")
        .find_iter(&opf)
        .filter_map(|m| attr(m.as_str(), "idref").map(str::to_string))
        .collect();
    if spine.is_empty() {
        return Err(Error::malformed("EPUB package has an empty spine"));
    }
    for idref in spine {
        let Some((_, href, media)) = manifest.iter().find(|(id, _, _)| *id == idref) else {
            b.notice(format!("EPUB spine names a missing item '{idref}'; skipped"));
            continue;
        };
        if !(media.contains("html") || media.is_empty()) {
            continue;
        }
        let path = join(&base_dir, href);
        let raw = match r.read(&path) {
            Ok(raw) => raw,
            Err(e) if e.kind() == &ErrorKind::TooLarge => return Err(e),
            Err(e) => {
                b.notice(format!("{e}; skipped"));
                continue;
            }
        };
        let Ok(text) = decode::decode(&raw) else { continue };
        let doc = Html::parse_document(&text.text);
        let root = doc.root_element();
        if doc.select(&scraper::Selector::parse("dl.tags").expect("valid")).next().is_some() {
            ao3::read_download_meta(b.meta(), root);
            continue;
        }
        if is_front_or_back_matter(&path) {
            continue;
        }
        if doc.select(&scraper::Selector::parse("div.userstuff").expect("valid")).next().is_some() {
            ao3::read_download_chapters(b, root);
            continue;
        }
        let blocks = html::blocks(root);
        let title = blocks.iter().find_map(|bl| match bl {
            html::Block::Heading(_, t) => Some(t.clone()),
            _ => None,
        });
        b.chapter(title);
        for bl in &blocks {
            match bl {
                html::Block::Heading(_, t) => b.heading(t),
                html::Block::Para(t) => b.paragraph(t),
            }
        }
    }
    Ok(())
}

/// True when `bytes` start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::document::Format;
    use std::io::Write;

    /// Builds a small EPUB in memory: `chapters` are (file name, xhtml body) in spine order.
    pub fn make_epub(chapters: &[(&str, &str)]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            z.start_file("mimetype", opts).unwrap();
            z.write_all(b"application/epub+zip").unwrap();
            z.start_file("META-INF/container.xml", opts).unwrap();
            z.write_all(br#"<?xml version="1.0"?><container><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#).unwrap();
            let mut manifest = String::new();
            let mut spine = String::new();
            for (i, (name, _)) in chapters.iter().enumerate() {
                manifest.push_str(&format!(r#"<item id="c{i}" href="{name}" media-type="application/xhtml+xml"/>"#));
                spine.push_str(&format!(r#"<itemref idref="c{i}"/>"#));
            }
            z.start_file("OEBPS/content.opf", opts).unwrap();
            z.write_all(format!(r#"<package><metadata><dc:title>Book</dc:title><dc:creator>Anon</dc:creator></metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>"#).as_bytes()).unwrap();
            for (name, body) in chapters {
                z.start_file(format!("OEBPS/{name}"), opts).unwrap();
                z.write_all(format!("<html><body>{body}</body></html>").as_bytes()).unwrap();
            }
            z.finish().unwrap();
        }
        buf.into_inner()
    }

    #[test]
    fn reads_chapters_in_spine_order_and_skips_front_matter() {
        let epub = make_epub(&[
            ("title_page.xhtml", "<h1>Book</h1><p>by Anon</p>"),
            ("ch1.xhtml", "<h2>One</h2><p>First.</p>"),
            ("ch2.xhtml", "<h2>Two</h2><p>Second.</p>"),
        ]);
        let mut b = DocumentBuilder::new("e", Format::Epub);
        read_into(&mut b, &epub).unwrap();
        let d = b.finish();
        assert_eq!(d.text, "One\n\nFirst.\n\nTwo\n\nSecond.");
        assert_eq!(d.chapters.len(), 2);
        assert_eq!(d.meta.title.as_deref(), Some("Book"));
    }

    #[test]
    fn broken_zip_is_an_error() {
        let mut b = DocumentBuilder::new("e", Format::Epub);
        let err = read_into(&mut b, b"PK\x03\x04garbage").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Malformed);
    }

    #[test]
    fn join_resolves_relative_paths() {
        assert_eq!(join("OEBPS", "Text/ch%201.xhtml#x"), "OEBPS/Text/ch 1.xhtml");
        assert_eq!(join("OEBPS/Text", "../a.xhtml"), "OEBPS/a.xhtml");
    }
}
