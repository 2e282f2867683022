//! The JSON-LD objects of one SPDX 3.0.1 document, one constructor per class (spec/spdx.md §3).
//! Every element shares the document's one `CreationInfo` ([`CREATION_INFO`]).
use sceau_core::claims::{DatasetClaim, Provider};
use sceau_core::{Artifact, ArtifactKind, Sha256Digest};
use serde_json::{json, Map, Value};

use crate::ids::CREATION_INFO;
use crate::licence::Expression;

/// A new element object: `type`, `spdxId`, `creationInfo`, then `name` when given.
pub fn element(type_: &str, id: &str, name: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), type_.into());
    m.insert("spdxId".into(), id.into());
    m.insert("creationInfo".into(), CREATION_INFO.into());
    if let Some(n) = name {
        m.insert("name".into(), n.into());
    }
    m
}

/// The document's `CreationInfo`: created by the sceau software agent, using the sceau tool.
pub fn creation_info(created: &str, agent: &str, tool: &str) -> Value {
    json!({
        "type": "CreationInfo",
        "@id": CREATION_INFO,
        "specVersion": crate::SPEC_VERSION,
        "created": created,
        "createdBy": [agent],
        "createdUsing": [tool],
    })
}

/// The `SoftwareAgent` that creates the document: sceau.
pub fn software_agent(id: &str) -> Value {
    Value::Object(element("SoftwareAgent", id, Some("sceau")))
}

/// The `Tool` the document is created with: sceau and its version.
pub fn tool(id: &str) -> Value {
    Value::Object(element(
        "Tool",
        id,
        Some(&format!("sceau {}", sceau_core::TOOL_VERSION)),
    ))
}

/// The claimed provider as an `Organization`: its e-mail as an `email` external identifier,
/// its URL as an `altWebPage` external reference.
pub fn organization(id: &str, p: &Provider) -> Value {
    let mut m = element("Organization", id, Some(&p.name));
    if let Some(e) = &p.email {
        m.insert(
            "externalIdentifier".into(),
            json!([{"type": "ExternalIdentifier", "externalIdentifierType": "email", "identifier": e}]),
        );
    }
    if let Some(u) = &p.url {
        m.insert(
            "externalRef".into(),
            json!([{"type": "ExternalRef", "externalRefType": "altWebPage", "locator": [u]}]),
        );
    }
    Value::Object(m)
}

/// The SPDX `software_primaryPurpose` of an artifact kind (spec/spdx.md §3.3).
pub fn file_purpose(kind: ArtifactKind) -> &'static str {
    match kind {
        ArtifactKind::Weights => "model",
        ArtifactKind::Tokenizer | ArtifactKind::Dataset => "data",
        ArtifactKind::Config => "configuration",
        ArtifactKind::Code => "source",
        ArtifactKind::Licence | ArtifactKind::ModelCard | ArtifactKind::Docs => "documentation",
        ArtifactKind::Other => "other",
    }
}

/// An artifact as a `software_File`: its path as `name`, its SHA-256 (and BLAKE3 when
/// recorded) as `verifiedUsing` hashes, its purpose from its kind. A folder recorded whole
/// (spec/manifest.md §6.1) is a `software_File` of kind `directory` whose one hash is its
/// manifest root, algorithm `other`, said in the hash's comment (spec/spdx.md §3.3): it is
/// not the SHA-256 of any file, and calling it one would be false.
pub fn file(id: &str, a: &Artifact) -> Value {
    if let Some(folder) = &a.folder {
        // Named as the Statement names it: the path and a "/" (spec/manifest.md §6.1).
        let mut m = element("software_File", id, Some(&format!("{}/", a.path.as_str())));
        m.insert(
            "verifiedUsing".into(),
            json!([{
                "type": "Hash",
                "algorithm": "other",
                "hashValue": a.sha256.to_hex(),
                "comment": format!(
                    "sceau manifest root (sceau-dir/1, SHA-256 Merkle tree) of the folder's {} \
                     files; every file is listed in the manifest the record signs",
                    folder.files
                ),
            }]),
        );
        m.insert(
            "software_primaryPurpose".into(),
            file_purpose(a.kind).into(),
        );
        m.insert("software_fileKind".into(), "directory".into());
        return Value::Object(m);
    }
    let mut m = element("software_File", id, Some(a.path.as_str()));
    let mut hashes =
        vec![json!({"type": "Hash", "algorithm": "sha256", "hashValue": a.sha256.to_hex()})];
    if let Some(b) = &a.blake3 {
        hashes.push(json!({"type": "Hash", "algorithm": "blake3", "hashValue": b.to_hex()}));
    }
    m.insert("verifiedUsing".into(), Value::Array(hashes));
    m.insert(
        "software_primaryPurpose".into(),
        file_purpose(a.kind).into(),
    );
    m.insert("software_fileKind".into(), "file".into());
    Value::Object(m)
}

/// A dataset as a `dataset_DatasetPackage` (spec/spdx.md §3.4). `bytes` is the total size of
/// its files in the release when it is included.
pub fn dataset(id: &str, d: &DatasetClaim, bytes: Option<u64>) -> Value {
    let mut m = element("dataset_DatasetPackage", id, Some(&d.name));
    m.insert("software_primaryPurpose".into(), "data".into());
    if let Some(u) = &d.url {
        m.insert("software_downloadLocation".into(), u.clone().into());
    }
    if let Some(desc) = &d.description {
        m.insert("description".into(), desc.clone().into());
    }
    m.insert("dataset_datasetType".into(), json!(["noAssertion"]));
    if let Some(b) = bytes {
        m.insert("dataset_datasetSize".into(), b.into());
    }
    Value::Object(m)
}

/// A licence as a `simplelicensing_LicenseExpression`.
pub fn licence_expression(id: &str, e: &Expression) -> Value {
    let mut m = element("simplelicensing_LicenseExpression", id, None);
    m.insert(
        "simplelicensing_licenseExpression".into(),
        e.expression.clone().into(),
    );
    if let Some((k, v)) = &e.custom_id_to_uri {
        m.insert(
            "simplelicensing_customIdToUri".into(),
            json!([{"type": "DictionaryEntry", "key": k, "value": v}]),
        );
    }
    if let Some(n) = &e.named_id {
        m.insert(
            "comment".into(),
            format!("licence {n:?}, which SPDX does not list (spec/bom.md §4.2)").into(),
        );
    }
    Value::Object(m)
}

/// A parent release (lineage) as a `software_Package` of purpose `model`, named by its name
/// and version, identified by the digest of its signed record; `comment` says whether that
/// record verified (exports of a verified record, spec/spdx.md §7.2).
pub fn parent_package(
    id: &str,
    record: &Sha256Digest,
    name: &str,
    version: &str,
    comment: Option<&str>,
) -> Value {
    let mut m = element("software_Package", id, Some(name));
    if let Some(c) = comment {
        m.insert("comment".into(), c.into());
    }
    m.insert("software_packageVersion".into(), version.into());
    m.insert("software_primaryPurpose".into(), "model".into());
    m.insert(
        "externalIdentifier".into(),
        json!([{
            "type": "ExternalIdentifier",
            "externalIdentifierType": "other",
            "identifier": format!("sha256:{record}"),
            "comment": "SHA-256 of the payload of the parent's signed sceau record (spec/lineage.md §1)",
        }]),
    );
    Value::Object(m)
}

/// A `Relationship` from `from` to every element of `to` (not empty), with a comment if given.
pub fn relationship(
    id: &str,
    type_: &str,
    from: &str,
    to: Vec<String>,
    comment: Option<String>,
) -> Value {
    let mut m = element("Relationship", id, None);
    m.insert("relationshipType".into(), type_.into());
    m.insert("from".into(), from.into());
    m.insert("to".into(), to.into());
    if let Some(c) = comment {
        m.insert("comment".into(), c.into());
    }
    Value::Object(m)
}
