//! Licences: SPDX expressions and named (non-SPDX) model licences (spec/bom.md §4).
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::relpath::RelPath;

/// A declared licence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Licence {
    /// A valid SPDX licence expression, e.g. `Apache-2.0` or `MIT OR Apache-2.0`.
    Spdx {
        /// The expression in canonical SPDX spelling.
        expression: String,
    },
    /// A licence SPDX does not list (`llama3.1`, `gemma`, `openrail++`, or `other` with a
    /// `license_name`), kept by its Hugging Face id and pointing to its text.
    Named {
        /// The Hugging Face licence id, or `license_name` when the id is `other`.
        id: String,
        /// Where the text lives (`license_link`), if given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        /// The licence file in the release, if one was found.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<RelPath>,
    },
}

/// Why a licence string could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LicenceError {
    /// Not a valid SPDX expression.
    #[error("{expression:?} is not a valid SPDX licence expression: {reason}")]
    InvalidSpdx {
        /// What was given.
        expression: String,
        /// The parser's reason.
        reason: String,
    },
    /// Empty.
    #[error("empty licence")]
    Empty,
    /// Neither an SPDX expression nor a licence id (claims, spec/claims.md §1).
    #[error(
        "{0:?} is neither a valid SPDX licence expression nor a licence id (letters, digits, \
         '.', '-', '_', '+')"
    )]
    NotALicence(String),
}

/// Hugging Face licence ids that are not SPDX identifiers but name known model licences
/// (spec/bom.md §4.2). Anything else that is not SPDX is kept as named too.
pub const HF_NAMED_LICENCES: &[&str] = &[
    "openrail",
    "openrail++",
    "bigscience-openrail-m",
    "creativeml-openrail-m",
    "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m",
    "llama2",
    "llama3",
    "llama3.1",
    "llama3.2",
    "llama3.3",
    "llama4",
    "gemma",
    "deepfloyd-if-license",
    "apple-amlr",
    "apple-ascl",
    "intel-research",
    "lgpl-lr",
    "fair-noncommercial-research-license",
    "h-research",
    "openmdw-1.0",
    "openmdw-1.1",
    "unknown",
    "other",
];

/// Hugging Face ids whose SPDX spelling is not a case-insensitive match (spec/bom.md §4.1).
const HF_TO_SPDX: &[(&str, &str)] = &[
    ("odc-by", "ODC-By-1.0"),
    ("odbl", "ODbL-1.0"),
    ("pddl", "PDDL-1.0"),
    ("c-uda", "C-UDA-1.0"),
    ("gfdl", "GFDL-1.3-or-later"),
    ("gpl", "GPL-3.0-or-later"),
    ("lgpl", "LGPL-3.0-or-later"),
    ("agpl-3.0", "AGPL-3.0-only"),
    ("gpl-2.0", "GPL-2.0-only"),
    ("gpl-3.0", "GPL-3.0-only"),
    ("lgpl-2.1", "LGPL-2.1-only"),
    ("lgpl-3.0", "LGPL-3.0-only"),
];

impl Licence {
    /// Parses an SPDX expression strictly (spec/bom.md §4.1).
    pub fn spdx(expression: &str) -> Result<Licence, LicenceError> {
        let e = expression.trim();
        if e.is_empty() {
            return Err(LicenceError::Empty);
        }
        match spdx::Expression::parse(e) {
            Ok(_) => Ok(Licence::Spdx {
                expression: e.to_owned(),
            }),
            Err(err) => Err(LicenceError::InvalidSpdx {
                expression: e.to_owned(),
                reason: err.reason.to_string(),
            }),
        }
    }

    /// Maps a Hugging Face card's `license` (with `license_name` and `license_link`) onto a
    /// licence (spec/bom.md §4.1–4.2): a known SPDX id (any case) becomes an SPDX expression,
    /// a valid SPDX expression stays one, anything else is kept as a named licence.
    pub fn from_hf(
        license: &str,
        license_name: Option<&str>,
        license_link: Option<&str>,
    ) -> Result<Licence, LicenceError> {
        let l = license.trim();
        if l.is_empty() {
            return Err(LicenceError::Empty);
        }
        let lower = l.to_ascii_lowercase();
        let url = license_link.map(str::to_owned);
        if lower == "other" {
            let id = license_name
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or("other")
                .to_owned();
            return Ok(Licence::Named {
                id,
                url,
                file: None,
            });
        }
        if HF_NAMED_LICENCES.contains(&lower.as_str()) {
            return Ok(Licence::Named {
                id: lower,
                url,
                file: None,
            });
        }
        if let Some((_, s)) = HF_TO_SPDX.iter().find(|(h, _)| *h == lower) {
            return Ok(Licence::Spdx {
                expression: (*s).to_owned(),
            });
        }
        // A trailing `+` ("or later") must survive: only bare ids are looked up here.
        if let Some(id) = spdx_id_ignoring_case(l).filter(|_| !l.contains('+')) {
            return Ok(Licence::Spdx {
                expression: id.to_owned(),
            });
        }
        match Licence::spdx(l) {
            Ok(s) => Ok(s),
            Err(_) => Ok(Licence::Named {
                id: l.to_owned(),
                url,
                file: None,
            }),
        }
    }

    /// A short form for output: the expression or the named id.
    pub fn label(&self) -> &str {
        match self {
            Licence::Spdx { expression } => expression,
            Licence::Named { id, .. } => id,
        }
    }
}

/// Finds the SPDX licence id equal to `s` ignoring ASCII case.
pub fn spdx_id_ignoring_case(s: &str) -> Option<&'static str> {
    if s.contains('+') {
        return None;
    }
    spdx::identifiers::LICENSES
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(s))
        .map(|l| l.name)
}

impl fmt::Display for Licence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spdx_expr(l: &Licence) -> Option<&str> {
        match l {
            Licence::Spdx { expression } => Some(expression),
            Licence::Named { .. } => None,
        }
    }

    #[test]
    fn maps_hugging_face_ids() {
        assert_eq!(
            spdx_expr(&Licence::from_hf("apache-2.0", None, None).unwrap()),
            Some("Apache-2.0")
        );
        assert_eq!(
            spdx_expr(&Licence::from_hf("mit", None, None).unwrap()),
            Some("MIT")
        );
        assert_eq!(
            spdx_expr(&Licence::from_hf("cc-by-nc-4.0", None, None).unwrap()),
            Some("CC-BY-NC-4.0")
        );
        assert_eq!(
            spdx_expr(&Licence::from_hf("odbl", None, None).unwrap()),
            Some("ODbL-1.0")
        );
        assert_eq!(
            spdx_expr(&Licence::from_hf("MIT OR Apache-2.0", None, None).unwrap()),
            Some("MIT OR Apache-2.0")
        );
        for named in ["llama3.1", "gemma", "openrail++", "unknown"] {
            let l = Licence::from_hf(named, None, None).unwrap();
            assert!(
                matches!(&l, Licence::Named { id, .. } if id == named),
                "{named}"
            );
        }
        let other =
            Licence::from_hf("other", Some("coqui-public-model-license"), Some("LICENSE")).unwrap();
        assert_eq!(
            other,
            Licence::Named {
                id: "coqui-public-model-license".into(),
                url: Some("LICENSE".into()),
                file: None
            }
        );
    }

    #[test]
    fn strict_spdx_refuses_garbage() {
        assert!(Licence::spdx("Apache-2.0 AND").is_err());
        assert!(Licence::spdx("").is_err());
        assert!(Licence::spdx("MIT").is_ok());
    }

    #[test]
    fn or_later_and_blank_names_survive() {
        assert_eq!(
            spdx_expr(&Licence::from_hf("Apache-2.0+", None, None).unwrap()),
            Some("Apache-2.0+")
        );
        assert!(
            matches!(Licence::from_hf("other", Some("  "), None).unwrap(), Licence::Named { id, .. } if id == "other")
        );
    }
}
