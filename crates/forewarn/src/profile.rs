//! Reader profiles: which labels a reader wants to avoid, and from which severity on. A profile is
//! given on the command line (`--avoid suicide,self-harm --at depiction`) or in a small TOML file:
//!
//! ```toml
//! at = "depiction"                 # default threshold for the labels in `avoid`
//! avoid = ["suicide", "self-harm"] # labels or whole groups
//! [labels]                         # per-label thresholds, overriding `at`
//! death = "graphic"
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::aggregate::Finding;
use crate::error::{Error, Result};
use crate::taxonomy::{LabelId, Severity, Taxonomy};

/// Labels to avoid, each with the lowest severity that matters to the reader.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    avoid: BTreeMap<LabelId, Severity>,
}

/// A profile as written by a person: in a TOML file or a JSON request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    /// Default threshold for `avoid` (mention if absent).
    #[serde(default)]
    pub at: Option<String>,
    /// Labels or groups to avoid.
    #[serde(default)]
    pub avoid: Vec<String>,
    /// Per-label thresholds.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl Profile {
    /// Avoid each of `names` (labels or groups) from severity `at` on.
    pub fn new(names: &[String], at: Severity, taxonomy: &Taxonomy) -> Result<Profile> {
        let mut p = Profile::default();
        for name in names.iter().flat_map(|n| n.split(',')).filter(|n| !n.trim().is_empty()) {
            for id in taxonomy.resolve(name)? {
                p.avoid.insert(id, at);
            }
        }
        Ok(p)
    }

    /// Parses a profile from TOML.
    pub fn from_toml(text: &str, taxonomy: &Taxonomy) -> Result<Profile> {
        let spec: ProfileSpec = toml::from_str(text).map_err(|e| Error::invalid(format!("profile: {}", e.message())))?;
        Profile::from_spec(&spec, taxonomy)
    }

    /// Builds a profile from its written form, checking every label and severity.
    pub fn from_spec(f: &ProfileSpec, taxonomy: &Taxonomy) -> Result<Profile> {
        let at = f.at.as_deref().map(str::parse).transpose()?.unwrap_or(Severity::Mention);
        let mut p = Profile::new(&f.avoid, at, taxonomy)?;
        for (name, sev) in &f.labels {
            let sev: Severity = sev.parse()?;
            for id in taxonomy.resolve(name)? {
                p.avoid.insert(id, sev);
            }
        }
        Ok(p)
    }

    /// Adds the labels of `other`, keeping the lower threshold where both name a label.
    pub fn merge(&mut self, other: Profile) {
        for (id, sev) in other.avoid {
            let e = self.avoid.entry(id).or_insert(sev);
            *e = (*e).min(sev);
        }
    }

    /// True when the profile names no label.
    pub fn is_empty(&self) -> bool {
        self.avoid.is_empty()
    }

    /// The labels avoided, with thresholds.
    pub fn labels(&self) -> impl Iterator<Item = (LabelId, Severity)> + '_ {
        self.avoid.iter().map(|(k, v)| (*k, *v))
    }

    /// The findings this reader should be warned about: those of an avoided label whose passages reach
    /// the threshold (only those passages are kept).
    pub fn check(&self, findings: &[Finding]) -> Vec<Finding> {
        findings
            .iter()
            .filter_map(|f| {
                let at = *self.avoid.get(&f.label)?;
                let passages: Vec<_> = f.passages.iter().filter(|p| p.hit.severity >= at).cloned().collect();
                (!passages.is_empty()).then(|| Finding { passages, ..f.clone() })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_profile_with_groups_and_overrides() {
        let t = Taxonomy::builtin();
        let p = Profile::from_toml("at = \"depiction\"\navoid = [\"mental-health\"]\n[labels]\ndeath = \"graphic\"\n", t).unwrap();
        assert_eq!(p.labels().count(), 6);
        assert!(p.labels().any(|(id, s)| t.label(id).id == "death" && s == Severity::Graphic));
        assert!(Profile::from_toml("avoid = [\"spiders\"]", t).unwrap_err().to_string().contains("spiders"));
        assert!(Profile::from_toml("avoidd = []", t).is_err());
    }
}
