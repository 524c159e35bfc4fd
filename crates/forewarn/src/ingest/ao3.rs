//! AO3 works: the work page as the site serves it, and the "Download -> HTML" file (whose layout AO3's
//! EPUB chapters share). Tags, title, author, summary and notes go into metadata; only the chapter
//! text becomes story paragraphs.

use scraper::{ElementRef, Html, Selector};

use super::html::{add_blocks, blocks, text_of, Block};
use crate::document::{normalise_ws, DocumentBuilder, Metadata};

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

fn first<'a>(root: ElementRef<'a>, s: &str) -> Option<ElementRef<'a>> {
    root.select(&sel(s)).next()
}

fn all_text(root: ElementRef<'_>, s: &str) -> Vec<String> {
    root.select(&sel(s)).map(text_of).filter(|t| !t.is_empty()).collect()
}

/// True for a work page served by AO3.
pub fn is_page(html: &Html) -> bool {
    html.select(&sel("#workskin")).next().is_some() && html.select(&sel("dl.work.meta")).next().is_some()
}

/// True for AO3's downloaded HTML (or an AO3 EPUB preface/chapter file).
pub fn is_download(html: &Html) -> bool {
    html.select(&sel("#preface dl.tags, #chapters.userstuff, div.meta dl.tags")).next().is_some()
}

/// Reads a served work page.
pub fn read_page(b: &mut DocumentBuilder, html: &Html) {
    let root = html.root_element();
    {
        let m = b.meta();
        if let Some(dl) = first(root, "dl.work.meta") {
            m.rating = all_text(dl, "dd.rating a.tag").into_iter().next();
            m.archive_warnings = all_text(dl, "dd.warning a.tag");
            m.fandoms = all_text(dl, "dd.fandom a.tag");
            m.relationships = all_text(dl, "dd.relationship a.tag");
            m.characters = all_text(dl, "dd.character a.tag");
            m.freeform_tags = all_text(dl, "dd.freeform a.tag");
        }
        m.title = first(root, "#workskin .preface h2.title").map(text_of);
        m.authors = all_text(root, "#workskin .preface .byline a[rel=author]");
        m.summary = first(root, "#workskin .preface .summary .userstuff").map(text_of);
        m.notes = all_text(root, "#workskin .notes .userstuff, #workskin .end.notes .userstuff");
    }
    let Some(chapters) = first(root, "#chapters") else { return };
    let chapter_divs: Vec<ElementRef<'_>> = chapters.select(&sel("div.chapter[id^=chapter-]")).collect();
    if chapter_divs.is_empty() {
        b.chapter(None);
        add_story(b, chapters);
    }
    for ch in chapter_divs {
        b.chapter(first(ch, ".chapter.preface h3.title").map(text_of));
        if let Some(body) = first(ch, "div.userstuff[role=article], div.userstuff.module") {
            add_story(b, body);
        }
    }
}

/// Adds the story blocks under `el`, dropping AO3's "Chapter Text" landmark headings.
fn add_story(b: &mut DocumentBuilder, el: ElementRef<'_>) {
    let story: Vec<Block> = blocks(el)
        .into_iter()
        .filter(|bl| !matches!(bl, Block::Heading(_, t) if normalise_ws(t) == "Chapter Text" || normalise_ws(t) == "Work Text:"))
        .map(|bl| match bl {
            // Headings inside the story text stay in place but do not split chapters.
            Block::Heading(_, t) => Block::Heading(3, t),
            p => p,
        })
        .collect();
    add_blocks(b, &story);
}

/// Reads the `dl.tags` metadata block of a download (or EPUB preface) into `m`.
pub fn read_download_meta(m: &mut Metadata, root: ElementRef<'_>) {
    if let Some(dl) = first(root, "dl.tags") {
        let mut key = String::new();
        for child in dl.children().filter_map(ElementRef::wrap) {
            match child.value().name() {
                "dt" => key = text_of(child).trim_end_matches(':').to_ascii_lowercase(),
                "dd" => {
                    let mut tags: Vec<String> = child.select(&sel("a")).map(text_of).filter(|t| !t.is_empty()).collect();
                    if tags.is_empty() {
                        tags = text_of(child).split(", ").map(str::to_string).filter(|t| !t.is_empty()).collect();
                    }
                    match key.as_str() {
                        "rating" => m.rating = tags.into_iter().next(),
                        "archive warning" | "archive warnings" => m.archive_warnings = tags,
                        "fandom" | "fandoms" => m.fandoms = tags,
                        "relationship" | "relationships" => m.relationships = tags,
                        "character" | "characters" => m.characters = tags,
                        "additional tags" => m.freeform_tags = tags,
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
    if m.title.is_none() {
        m.title = first(root, "#preface h1, div.meta h1").map(text_of);
    }
    if m.authors.is_empty() {
        m.authors = all_text(root, ".byline a[rel=author]");
    }
    // Summary and notes: a <p>Summary</p> (or Notes) label followed by a blockquote.
    if let Some(meta) = first(root, "#preface .meta, div.meta") {
        let mut label = String::new();
        for child in meta.children().filter_map(ElementRef::wrap) {
            match child.value().name() {
                "p" => label = text_of(child).to_ascii_lowercase(),
                "blockquote" if label.starts_with("summary") => m.summary = Some(text_of(child)),
                "blockquote" if label.starts_with("notes") => m.notes.push(text_of(child)),
                _ => {}
            }
        }
    }
}

/// Reads the chapters of a download (`#chapters`) or of one AO3 EPUB chapter file.
pub fn read_download_chapters(b: &mut DocumentBuilder, root: ElementRef<'_>) {
    let container = first(root, "#chapters").unwrap_or(root);
    let mut started = false;
    for el in container.select(&sel("div.meta, div.userstuff")) {
        let classes: Vec<&str> = el.value().classes().collect();
        if classes.contains(&"meta") {
            if first(root, "dl.tags").is_some_and(|dl| el.select(&sel("dl.tags")).next() == Some(dl)) {
                continue;
            }
            b.chapter(first(el, "h2.heading, h2").map(text_of));
            started = true;
            for note in el.select(&sel("blockquote.userstuff")) {
                b.meta().notes.push(text_of(note));
            }
        } else if classes.contains(&"userstuff") && !el.ancestors().filter_map(ElementRef::wrap).any(|a| a.value().classes().any(|c| c == "userstuff") && a != container) {
            if !started {
                b.chapter(None);
                started = true;
            }
            add_story(b, el);
        }
    }
    if !started && container != root {
        add_story(b, container);
    }
}

/// Reads a downloaded AO3 HTML file.
pub fn read_download(b: &mut DocumentBuilder, html: &Html) {
    let root = html.root_element();
    read_download_meta(b.meta(), root);
    read_download_chapters(b, root);
    for note in all_text(root, "#afterword blockquote.userstuff") {
        b.meta().notes.push(note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

    const DOWNLOAD: &str = r##"<html><body>
<div id="preface"><p class="message">Posted originally on the Archive of Our Own.</p>
<div class="meta"><dl class="tags">
<dt>Rating:</dt><dd><a href="#">Mature</a></dd>
<dt>Archive Warning:</dt><dd><a href="#">No Archive Warnings Apply</a></dd>
<dt>Fandom:</dt><dd><a href="#">Some Fandom</a></dd>
<dt>Additional Tags:</dt><dd><a href="#">Angst</a>, <a href="#">Hurt/Comfort</a></dd>
</dl><h1>A Title</h1><div class="byline">by <a rel="author" href="#">someone</a></div>
<p>Summary</p><blockquote class="userstuff"><p>The summary.</p></blockquote>
<p>Notes</p><blockquote class="userstuff"><p>A note.</p></blockquote></div></div>
<div id="chapters" class="userstuff">
<div class="meta group"><h2 class="heading">Chapter 1: Start</h2></div>
<div class="userstuff"><p>First paragraph.</p><p>Second paragraph.</p></div>
<div class="meta group"><h2 class="heading">Chapter 2</h2>
<p>Chapter Notes</p><blockquote class="userstuff"><p>chapter note</p></blockquote></div>
<div class="userstuff"><p>Third paragraph.</p></div>
</div><div id="afterword"><p>End notes</p><blockquote class="userstuff"><p>bye</p></blockquote></div>
</body></html>"##;

    #[test]
    fn download_keeps_story_apart_from_metadata() {
        let html = Html::parse_document(DOWNLOAD);
        assert!(is_download(&html) && !is_page(&html));
        let mut b = DocumentBuilder::new("d", Format::Ao3Download);
        read_download(&mut b, &html);
        let d = b.finish();
        assert_eq!(d.text, "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.");
        assert_eq!(d.chapters.len(), 2);
        assert_eq!(d.chapters[0].title.as_deref(), Some("Chapter 1: Start"));
        assert_eq!(d.meta.title.as_deref(), Some("A Title"));
        assert_eq!(d.meta.authors, vec!["someone"]);
        assert_eq!(d.meta.rating.as_deref(), Some("Mature"));
        assert_eq!(d.meta.freeform_tags, vec!["Angst", "Hurt/Comfort"]);
        assert_eq!(d.meta.summary.as_deref(), Some("The summary."));
        assert_eq!(d.meta.notes.len(), 3);
    }
}
