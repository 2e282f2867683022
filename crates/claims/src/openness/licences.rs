//! Which licences are open, and which suit code, data and documents (spec/claims.md §3.3).
//!
//! Following the Model Openness Framework as the Model Openness Tool implements it: a licence
//! is *open* when it is OSI-approved, FSF free/libre, or on the open-data or open-content
//! lists below (or OpenMDW); it is *type-appropriate* when it is of the kind the component's
//! content needs — OSI-approved for code, an open-data licence for data and parameters, an
//! open-content licence for documents. Open but not type-appropriate counts, with a warning.
use sceau_core::claims::ContentType;
use sceau_core::Licence;
use serde::Serialize;

/// Open-data licences: type-appropriate for datasets, evaluation data and parameters
/// (MOF paper: e.g. CDLA-Permissive-2.0, CC-BY-4.0; MOT `OPEN_DATA_LICENSES`).
pub const OPEN_DATA_LICENCES: &[&str] = &[
    "CDLA-Permissive-1.0",
    "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0",
    "CC0-1.0",
    "CC-PDDC",
    "PDDL-1.0",
    "ODC-By-1.0",
    "ODbL-1.0",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "OGL-UK-2.0",
    "OGL-UK-3.0",
    "OGL-Canada-2.0",
];

/// Open-content licences: type-appropriate for model and data cards, reports, papers and
/// evaluation results (MOT `ContentType: document`, Apache-2.0 included as MOT does).
pub const OPEN_CONTENT_LICENCES: &[&str] = &[
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CC-PDDC",
    "FreeBSD-DOC",
    "GFDL-1.3-only",
    "GFDL-1.3-or-later",
    "Apache-2.0",
];

/// Named (non-SPDX) licence ids that are open for every content type: the OpenMDW licences.
pub const OPEN_NAMED_LICENCES: &[&str] = &["openmdw-1.0", "openmdw-1.1"];

/// What a licence allows for one content type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LicenceVerdict {
    /// The licence as written in the record (`none` when there is none).
    pub licence: String,
    /// Open in the MOF sense (any of the open lists).
    pub open: bool,
    /// Of the kind the content type needs.
    pub type_appropriate: bool,
    /// OSI-approved (what the OSI Open Source AI Definition asks of code).
    pub osi_approved: bool,
}

fn id_open(id: spdx::LicenseId) -> bool {
    id.is_osi_approved()
        || id.is_fsf_free_libre()
        || OPEN_DATA_LICENCES.contains(&id.name)
        || OPEN_CONTENT_LICENCES.contains(&id.name)
}

fn id_appropriate(id: spdx::LicenseId, ct: ContentType) -> bool {
    match ct {
        ContentType::Code => id.is_osi_approved(),
        ContentType::Data => OPEN_DATA_LICENCES.contains(&id.name),
        ContentType::Document => OPEN_CONTENT_LICENCES.contains(&id.name),
    }
}

/// Judges `licence` (or its absence) for content of type `ct`. An SPDX expression is open when
/// it can be satisfied with open licences (`MIT OR LicenseRef-x` is open, `MIT AND
/// LicenseRef-x` is not); `LicenseRef-…` and named licences other than OpenMDW are not open.
pub fn judge(licence: Option<&Licence>, ct: ContentType) -> LicenceVerdict {
    let Some(l) = licence else {
        return LicenceVerdict {
            licence: "none".into(),
            open: false,
            type_appropriate: false,
            osi_approved: false,
        };
    };
    match l {
        Licence::Named { id, .. } => {
            let open = OPEN_NAMED_LICENCES.contains(&id.to_ascii_lowercase().as_str());
            LicenceVerdict {
                licence: id.clone(),
                open,
                type_appropriate: open,
                osi_approved: false,
            }
        }
        Licence::Spdx { expression } => {
            let Ok(expr) = spdx::Expression::parse(expression) else {
                return LicenceVerdict {
                    licence: expression.clone(),
                    open: false,
                    type_appropriate: false,
                    osi_approved: false,
                };
            };
            let with = |f: &dyn Fn(spdx::LicenseId) -> bool| {
                expr.evaluate(|req| req.license.id().is_some_and(f))
            };
            LicenceVerdict {
                licence: expression.clone(),
                open: with(&id_open),
                type_appropriate: with(&|id| id_appropriate(id, ct)),
                osi_approved: with(&|id| id.is_osi_approved()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spdx(e: &str) -> Licence {
        Licence::spdx(e).unwrap()
    }

    #[test]
    fn every_listed_id_is_an_spdx_id() {
        for id in OPEN_DATA_LICENCES.iter().chain(OPEN_CONTENT_LICENCES) {
            assert!(spdx::license_id(id).is_some(), "{id}");
        }
    }

    #[test]
    fn judges_by_content_type() {
        let j = judge(Some(&spdx("Apache-2.0")), ContentType::Code);
        assert!(j.open && j.type_appropriate && j.osi_approved);
        let j = judge(Some(&spdx("Apache-2.0")), ContentType::Data);
        assert!(
            j.open && !j.type_appropriate,
            "open, not an open-data licence"
        );
        let j = judge(Some(&spdx("CDLA-Permissive-2.0")), ContentType::Data);
        assert!(j.open && j.type_appropriate && !j.osi_approved);
        let j = judge(Some(&spdx("CC-BY-4.0")), ContentType::Document);
        assert!(j.open && j.type_appropriate);
        let j = judge(Some(&spdx("CC-BY-4.0")), ContentType::Code);
        assert!(j.open && !j.type_appropriate && !j.osi_approved);
        for closed in [
            "CC-BY-NC-4.0",
            "CC-BY-ND-4.0",
            "LicenseRef-custom",
            "MIT AND LicenseRef-x",
        ] {
            let j = judge(Some(&spdx(closed)), ContentType::Data);
            assert!(!j.open, "{closed}");
        }
        assert!(judge(Some(&spdx("MIT OR LicenseRef-x")), ContentType::Code).open);
        let llama = Licence::from_hf("llama3.1", None, None).unwrap();
        assert!(!judge(Some(&llama), ContentType::Data).open);
        let mdw = Licence::from_hf("openmdw-1.0", None, None).unwrap();
        assert!(judge(Some(&mdw), ContentType::Data).type_appropriate);
        let none = judge(None, ContentType::Code);
        assert!(!none.open && none.licence == "none");
    }
}
