//! The taxonomy: the 30 content labels, their groups, the three severities, and how each label maps to
//! PAN 2023, the Webis label sets and AO3 tags. Loaded once from `data/taxonomy.json`, embedded in the binary.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How strongly a passage shows its content, from least to most intense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Referenced, remembered, reported, threatened or hypothetical: off the page.
    Mention,
    /// Happens in the scene, on the page, in plain terms.
    Depiction,
    /// Happens on the page with vivid physical detail.
    Graphic,
}

impl Severity {
    /// All severities, mildest first.
    pub const ALL: [Severity; 3] = [Severity::Mention, Severity::Depiction, Severity::Graphic];

    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Mention => "mention",
            Severity::Depiction => "depiction",
            Severity::Graphic => "graphic",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = Error;
    fn from_str(s: &str) -> Result<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mention" | "mentioned" => Ok(Severity::Mention),
            "depiction" | "depicted" => Ok(Severity::Depiction),
            "graphic" => Ok(Severity::Graphic),
            other => Err(Error::invalid(format!(
                "unknown severity '{other}' (expected mention, depiction or graphic)"
            ))),
        }
    }
}

/// Index of a label in [`Taxonomy::labels`]; stable for a given taxonomy version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LabelId(pub u8);

impl LabelId {
    /// The index as usize.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// AO3 tags suggested for a label, by severity.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ao3Mapping {
    /// Tag used when the content is graphic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graphic: Option<String>,
    /// Tag used when the content is depicted (or graphic, without a graphic tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depiction: Option<String>,
    /// Tag used when the content is only mentioned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mention: Option<String>,
    /// A freeform tag that applies at any severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freeform: Option<String>,
}

/// One content label.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Label {
    /// Stable identifier, e.g. `self-harm`.
    pub id: String,
    /// The group it belongs to, e.g. `mental-health`.
    pub group: String,
    /// What the label covers, in plain words.
    pub desc: String,
    /// PAN 2023 label names.
    #[serde(default)]
    pub pan23: Vec<String>,
    /// Webis ACL 2023 label names.
    #[serde(default)]
    pub acl23: Vec<String>,
    /// Webis passage-level warning names.
    #[serde(default)]
    pub webis_passage: Vec<String>,
    /// AO3 tags.
    #[serde(default)]
    pub ao3: Ao3Mapping,
}

/// The four AO3 archive warnings proper; every other AO3 tag this crate suggests is a freeform tag.
pub const AO3_ARCHIVE_WARNINGS: [&str; 4] = [
    "Graphic Depictions Of Violence",
    "Major Character Death",
    "Rape/Non-Con",
    "Underage Sex",
];

#[derive(Deserialize)]
struct RawTaxonomy {
    version: u32,
    severities: BTreeMap<String, String>,
    groups: Vec<String>,
    labels: Vec<Label>,
}

/// The label set with its mappings.
#[derive(Debug)]
pub struct Taxonomy {
    /// Version of the taxonomy file.
    pub version: u32,
    /// What each severity means.
    pub severities: BTreeMap<String, String>,
    /// Group names in display order.
    pub groups: Vec<String>,
    labels: Vec<Label>,
}

const BUILTIN: &str = include_str!("../data/taxonomy.json");

impl Taxonomy {
    /// The taxonomy built into this crate.
    pub fn builtin() -> &'static Taxonomy {
        static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();
        TAXONOMY.get_or_init(|| Taxonomy::from_json(BUILTIN).expect("built-in taxonomy is valid"))
    }

    /// Parses a taxonomy from its JSON text.
    pub fn from_json(text: &str) -> Result<Taxonomy> {
        let raw: RawTaxonomy = serde_json::from_str(text)
            .map_err(|e| Error::new(crate::ErrorKind::Model, format!("taxonomy: {e}")))?;
        if raw.labels.len() > u8::MAX as usize {
            return Err(Error::new(crate::ErrorKind::Model, "taxonomy: too many labels"));
        }
        Ok(Taxonomy { version: raw.version, severities: raw.severities, groups: raw.groups, labels: raw.labels })
    }

    /// All labels, in taxonomy order.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no labels.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The label with index `id`.
    pub fn label(&self, id: LabelId) -> &Label {
        &self.labels[id.index()]
    }

    /// Iterates over label ids.
    pub fn ids(&self) -> impl Iterator<Item = LabelId> + '_ {
        (0..self.labels.len()).map(|i| LabelId(i as u8))
    }

    /// Finds a label by its id (`self-harm`), case-insensitively, also accepting `_` for `-`.
    pub fn find(&self, name: &str) -> Option<LabelId> {
        let norm = name.trim().to_ascii_lowercase().replace('_', "-");
        self.labels.iter().position(|l| l.id == norm).map(|i| LabelId(i as u8))
    }

    /// Resolves a label id or a group name to label ids; an unknown name is an error naming it.
    pub fn resolve(&self, name: &str) -> Result<Vec<LabelId>> {
        if let Some(id) = self.find(name) {
            return Ok(vec![id]);
        }
        let norm = name.trim().to_ascii_lowercase();
        if self.groups.iter().any(|g| *g == norm) {
            return Ok(self.ids().filter(|&id| self.label(id).group == norm).collect());
        }
        Err(Error::invalid(format!(
            "unknown label or group '{}' (run `forewarn labels` for the list)",
            name.trim()
        )))
    }

    /// Labels that map to a PAN 2023 label name.
    pub fn from_pan(&self, pan: &str) -> Vec<LabelId> {
        self.ids().filter(|&id| self.label(id).pan23.iter().any(|p| p == pan)).collect()
    }

    /// Labels that map to a Webis passage-level warning name.
    pub fn from_webis(&self, warning: &str) -> Vec<LabelId> {
        self.ids().filter(|&id| self.label(id).webis_passage.iter().any(|p| p == warning)).collect()
    }

    /// The taxonomy as served to clients: `{"version", "groups", "severities", "labels"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"version": self.version, "groups": self.groups, "severities": self.severities, "labels": self.labels})
    }

    /// Every PAN 2023 label name that any taxonomy label maps to, sorted.
    pub fn pan_labels(&self) -> Vec<String> {
        let mut all: Vec<String> = self.labels.iter().flat_map(|l| l.pan23.iter().cloned()).collect();
        all.sort();
        all.dedup();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_thirty_labels_in_seven_groups() {
        let t = Taxonomy::builtin();
        assert_eq!(t.len(), 30);
        assert_eq!(t.groups.len(), 7);
        for l in t.labels() {
            assert!(t.groups.contains(&l.group), "{} has unknown group {}", l.id, l.group);
        }
    }

    #[test]
    fn resolve_accepts_labels_and_groups_and_rejects_unknown() {
        let t = Taxonomy::builtin();
        assert_eq!(t.resolve("Self_Harm").unwrap().len(), 1);
        assert!(t.resolve("pregnancy").unwrap().len() == 1);
        assert_eq!(t.resolve("mental-health").unwrap().len(), 5);
        let err = t.resolve("spiders").unwrap_err();
        assert!(err.to_string().contains("spiders"));
    }

    #[test]
    fn severities_are_ordered() {
        assert!(Severity::Mention < Severity::Depiction && Severity::Depiction < Severity::Graphic);
        assert_eq!("Depicted".parse::<Severity>().unwrap(), Severity::Depiction);
        assert!("loud".parse::<Severity>().is_err());
    }
}
