//! AO3 suggestions: the archive warnings and additional tags that the taxonomy maps each finding to,
//! at its severity, and which of them the work's own tags lack (for authors checking a draft).

use serde::Serialize;

use super::LabelReport;
use crate::document::Metadata;
use crate::taxonomy::{Severity, Taxonomy, AO3_ARCHIVE_WARNINGS};

/// Suggested AO3 tags.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Ao3Suggestion {
    /// Suggested archive warnings (one of AO3's four, or "No Archive Warnings Apply").
    pub archive_warnings: Vec<String>,
    /// Suggested additional (freeform) tags.
    pub freeform_tags: Vec<String>,
    /// Suggested tags that the work's own tags lack (only when the input carried AO3 tags).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<String>>,
}

/// The AO3 tag for a label at `severity`, from the taxonomy's mapping.
pub fn tag_for(mapping: &crate::taxonomy::Ao3Mapping, severity: Severity) -> Option<&str> {
    let by_severity = match severity {
        Severity::Graphic => mapping.graphic.as_deref().or(mapping.depiction.as_deref()),
        Severity::Depiction => mapping.depiction.as_deref(),
        Severity::Mention => mapping.mention.as_deref(),
    };
    by_severity.or(mapping.freeform.as_deref())
}

/// Suggests tags for the labels of a report; compares with the tags in `meta` when it has any.
pub fn suggest(labels: &[LabelReport], meta: &Metadata, taxonomy: &Taxonomy) -> Ao3Suggestion {
    let mut s = Ao3Suggestion::default();
    for l in labels {
        let Some(id) = taxonomy.find(&l.label) else { continue };
        let mapping = &taxonomy.label(id).ao3;
        let mut tags = vec![tag_for(mapping, l.severity)];
        // A graphic tag (an archive warning) does not say what the content is: add the freeform tag too.
        if l.severity == Severity::Graphic && mapping.graphic.is_some() {
            tags.push(mapping.freeform.as_deref());
        }
        for tag in tags.into_iter().flatten() {
            let list = if AO3_ARCHIVE_WARNINGS.contains(&tag) { &mut s.archive_warnings } else { &mut s.freeform_tags };
            if !list.iter().any(|t| t == tag) {
                list.push(tag.to_string());
            }
        }
    }
    if s.archive_warnings.is_empty() {
        s.archive_warnings.push("No Archive Warnings Apply".to_string());
    }
    let has_tags = !meta.archive_warnings.is_empty() || !meta.freeform_tags.is_empty();
    if has_tags {
        let own: Vec<String> = meta.archive_warnings.iter().chain(&meta.freeform_tags).map(|t| t.to_lowercase()).collect();
        let chose_not = own.iter().any(|t| t.contains("creator chose not to use"));
        let missing = s
            .archive_warnings
            .iter()
            .filter(|t| !chose_not && *t != "No Archive Warnings Apply")
            .chain(&s.freeform_tags)
            .filter(|t| !own.iter().any(|o| o == &t.to_lowercase() || o.contains(&t.to_lowercase())))
            .cloned()
            .collect();
        s.missing = Some(missing);
    }
    s
}

/// Writes the suggestions as text an author can paste into AO3's posting form.
pub fn write(out: &mut dyn std::io::Write, r: &super::Report) -> std::io::Result<()> {
    let s = &r.ao3;
    writeln!(out, "{}", r.work.id)?;
    writeln!(out, "  Archive Warnings: {}", s.archive_warnings.join(", "))?;
    let tags = if s.freeform_tags.is_empty() { "(none)".to_string() } else { s.freeform_tags.join(", ") };
    writeln!(out, "  Additional Tags: {tags}")?;
    if let Some(missing) = &s.missing {
        if missing.is_empty() {
            writeln!(out, "  The work's own tags already cover these.")?;
        } else {
            writeln!(out, "  Not in the work's own tags: {}", missing.join(", "))?;
        }
    }
    Ok(())
}
