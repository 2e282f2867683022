//! The in-toto Statement inside an OMS bundle (spec/oms.md §3).
use serde_json::Value;

use crate::error::StatementError;
use crate::json::Fields;
use crate::path::ModelPath;
use crate::predicate::{self, cut, HashType, Method, Predicate, Resource, ResourceName};
use crate::predicate::{Serialization, MAX_RESOURCES};
use crate::root::{ResourceOrder, RootDigest};

/// in-toto Statement v1 `_type`.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";

/// The OMS predicate type (`model_signing` 0.3 and later, OMS v1.0).
pub const PREDICATE_TYPE: &str = "https://model_signing/signature/v1.0";

/// The predicate type of `model_signing` 0.2, whose file digests are the subjects.
pub const PREDICATE_TYPE_V0_1: &str = "https://model_signing/Digests/v0.1";

/// Largest DSSE payload parsed (the bundle limit bounds it too).
pub const MAX_PAYLOAD_BYTES: usize = crate::MAX_BUNDLE_BYTES;

/// Which statement layout the payload uses (spec/oms.md §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `https://model_signing/signature/v1.0`: one subject (the model, digest = root),
    /// resources and serialization in the predicate.
    SignatureV1_0,
    /// `https://model_signing/Digests/v0.1` (`model_signing` 0.2): one subject per file with
    /// its SHA-256, no serialization (files, sha256, no symlinks assumed), no root recorded.
    DigestsV0_1,
}

/// A checked OMS statement: the signed manifest of a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OmsStatement {
    /// The layout it was written in.
    pub layout: Layout,
    /// `subject[0].name`: informative only (the model folder's name, or `model` for some
    /// writers); `None` for the v0.1 layout.
    pub model_name: Option<String>,
    /// The root digest: `subject[0].digest.sha256`, checked to be the root of the listed
    /// resources in listed order (v1.0), or that root computed (v0.1).
    pub root: RootDigest,
    /// The resources and serialization (for v0.1, the subjects as `files`/`sha256`).
    pub predicate: Predicate,
    /// The order the resources are listed in.
    pub order: ResourceOrder,
}

impl OmsStatement {
    /// Parses a DSSE payload (spec/oms.md §3). The payload must be strict JSON (no repeated
    /// key) of one of the two layouts; the root digest is recomputed and compared.
    pub fn from_payload(bytes: &[u8]) -> Result<Self, StatementError> {
        if bytes.len() > MAX_PAYLOAD_BYTES {
            return Err(StatementError::TooLarge {
                len: bytes.len(),
                max: MAX_PAYLOAD_BYTES,
            });
        }
        sceau_core::json::check_unique_keys(bytes).map_err(|e| StatementError::Json(e.0))?;
        let v: Value =
            serde_json::from_slice(bytes).map_err(|e| StatementError::Json(e.to_string()))?;
        let mut f = Fields::new(&v, "$")?;
        let ty = f.req_str("_type")?;
        if ty != STATEMENT_TYPE {
            return Err(StatementError::StatementType(cut(ty)));
        }
        let predicate_type = f.req_str("predicateType")?;
        let subjects_path = f.child("subject");
        let subjects = f
            .req("subject")?
            .as_array()
            .ok_or(StatementError::WrongType {
                path: subjects_path.clone(),
                expected: "an array",
            })?;
        let predicate = f.req("predicate")?;
        f.deny_unknown()?;
        match predicate_type {
            PREDICATE_TYPE => v1_0(subjects, predicate),
            PREDICATE_TYPE_V0_1 => v0_1(subjects),
            other => Err(StatementError::PredicateType(cut(other))),
        }
    }

    /// Resources listed (files or shards).
    pub fn resources(&self) -> &[Resource] {
        &self.predicate.resources
    }

    /// The serialization parameters.
    pub fn serialization(&self) -> &Serialization {
        &self.predicate.serialization
    }
}

/// Reads `digest.sha256` of a subject.
fn subject_sha256(subject: &mut Fields<'_>) -> Result<Vec<u8>, StatementError> {
    let digest_path = subject.child("digest");
    let mut d = Fields::new(subject.req("digest")?, &digest_path)?;
    let hex = d.req_str("sha256")?;
    let bytes = predicate::parse_digest(hex, HashType::Sha256, &d.child("sha256"))?;
    // Other algorithms of an in-toto DigestSet are allowed and not used.
    Ok(bytes)
}

fn v1_0(subjects: &[Value], predicate: &Value) -> Result<OmsStatement, StatementError> {
    if subjects.len() != 1 {
        return Err(StatementError::SubjectCount(subjects.len()));
    }
    let mut s = Fields::new(&subjects[0], "$.subject[0]")?;
    let name = s.req_str("name")?;
    if name.is_empty() {
        return Err(StatementError::Empty("$.subject[0].name".into()));
    }
    let recorded = subject_sha256(&mut s)?;
    let predicate = predicate::parse_predicate(predicate)?;
    let root = RootDigest::of(&predicate.resources);
    if root.0[..] != recorded[..] {
        return Err(StatementError::RootMismatch {
            recorded: hex::encode(&recorded),
            computed: root.to_hex(),
        });
    }
    let order = ResourceOrder::of(&predicate.resources);
    Ok(OmsStatement {
        layout: Layout::SignatureV1_0,
        model_name: Some(name.to_owned()),
        root,
        predicate,
        order,
    })
}

fn v0_1(subjects: &[Value]) -> Result<OmsStatement, StatementError> {
    if subjects.len() > MAX_RESOURCES {
        return Err(StatementError::TooMany {
            path: "$.subject".into(),
            len: subjects.len(),
            max: MAX_RESOURCES,
        });
    }
    let mut resources = Vec::with_capacity(subjects.len());
    let mut seen = std::collections::HashSet::with_capacity(subjects.len());
    for (i, item) in subjects.iter().enumerate() {
        // v0.2 subjects carry `annotations`; extra subject fields are allowed by in-toto.
        let mut s = Fields::new(item, &format!("$.subject[{i}]"))?;
        let name = s.req_str("name")?;
        let path = ModelPath::parse(name).map_err(|p| StatementError::Name {
            name: cut(name),
            reason: p.reason(),
        })?;
        if !seen.insert(path.clone()) {
            return Err(StatementError::DuplicateResource(cut(name)));
        }
        resources.push(Resource {
            name: ResourceName::File(path),
            algorithm: HashType::Sha256,
            digest: subject_sha256(&mut s)?,
        });
    }
    let root = RootDigest::of(&resources);
    let order = ResourceOrder::of(&resources);
    Ok(OmsStatement {
        layout: Layout::DigestsV0_1,
        model_name: None,
        root,
        predicate: Predicate {
            resources,
            serialization: Serialization {
                method: Method::Files,
                hash_type: HashType::Sha256,
                allow_symlinks: false,
                ignore_paths: None,
            },
            unknown_fields: Vec::new(),
        },
        order,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const D1: &str = "bc9a717db6064a32cbe9eae6fc40651dd6d36ef1757183f590eff2b1765d7ebc";
    const D2: &str = "32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028";
    // The root of [D1, D2] (OMS spec appendix A and model-transparency's v1.1.0 key vector).
    const ROOT: &str = "92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4";

    fn statement(root: &str, extra: &str) -> String {
        format!(
            r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"m","digest":{{"sha256":"{root}"}}}}],
            "predicateType":"https://model_signing/signature/v1.0","predicate":{{"resources":[
            {{"name":"signme-1","algorithm":"sha256","digest":"{D1}"}},{{"name":"signme-2","algorithm":"sha256","digest":"{D2}"}}],
            "serialization":{{"method":"files","hash_type":"sha256","allow_symlinks":false}}}}{extra}}}"#
        )
    }

    #[test]
    fn root_digest_is_recomputed_and_checked() {
        let s = OmsStatement::from_payload(statement(ROOT, "").as_bytes()).unwrap();
        assert_eq!(s.root.to_hex(), ROOT);
        assert_eq!(s.model_name.as_deref(), Some("m"));
        assert_eq!(s.order, ResourceOrder::PosixPath);
        let wrong = ROOT.replace('9', "8");
        assert!(matches!(
            OmsStatement::from_payload(statement(&wrong, "").as_bytes()),
            Err(StatementError::RootMismatch { .. })
        ));
    }

    #[test]
    fn statements_are_closed_and_strict() {
        assert!(matches!(
            OmsStatement::from_payload(statement(ROOT, r#","x":1"#).as_bytes()),
            Err(StatementError::UnknownField { .. })
        ));
        let dup = statement(ROOT, "").replacen(r#""_type":"#, r#""_type":"a","_type":"#, 1);
        assert!(matches!(
            OmsStatement::from_payload(dup.as_bytes()),
            Err(StatementError::Json(_))
        ));
        let other = statement(ROOT, "").replace("signature/v1.0", "signature/v2.0");
        assert!(matches!(
            OmsStatement::from_payload(other.as_bytes()),
            Err(StatementError::PredicateType(_))
        ));
    }

    #[test]
    fn the_v0_1_layout_lists_files_as_subjects() {
        let p = format!(
            r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[
            {{"name":"signme-1","digest":{{"sha256":"{D1}"}},"annotations":{{"actual_hash_algorithm":"file-sha256"}}}},
            {{"name":"signme-2","digest":{{"sha256":"{D2}"}}}}],
            "predicateType":"https://model_signing/Digests/v0.1","predicate":{{"unused":"x"}}}}"#
        );
        let s = OmsStatement::from_payload(p.as_bytes()).unwrap();
        assert_eq!(s.layout, Layout::DigestsV0_1);
        assert_eq!(s.root.to_hex(), ROOT);
        assert_eq!(s.resources().len(), 2);
    }
}
