//! The CycloneDX 1.6 subset sceau writes and reads, and the mapping of a [`Release`] onto it
//! (spec/bom.md). The same mapping can be written as CycloneDX 1.7 ([`SpecVersion`],
//! spec/bom.md §1.4); records always embed 1.6.
//!
//! Own serde types rather than `cyclonedx-bom`: that crate writes CycloneDX 1.3–1.5 only and
//! drops model-card data it does not know (spec/bom.md §1.2). Every struct keeps unknown
//! fields in `extra` so that reading a BOM loses nothing.
mod claims;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::card::{CardMeta, EvalResult};
use crate::digest::{Blake3Digest, Sha256Digest};
use crate::kind::ArtifactKind;
use crate::licence::Licence;
use crate::release::{Artifact, IgnoreRules, LicenceDetection, Release};
use crate::relpath::RelPath;
use crate::weights::{WeightFormat, WeightInfo, WeightPrint};

/// `$schema` written into every CycloneDX 1.6 BOM.
pub const SCHEMA_URI: &str = "http://cyclonedx.org/schema/bom-1.6.schema.json";

/// `$schema` written into a CycloneDX 1.7 BOM.
pub const SCHEMA_URI_1_7: &str = "http://cyclonedx.org/schema/bom-1.7.schema.json";

/// Domain of the content-derived `serialNumber` (spec/bom.md §1.3).
pub const SERIAL_DOMAIN: &str = "sceau:cyclonedx:serialNumber:v1";

/// The CycloneDX version a BOM is written in (spec/bom.md §1.4). 1.6 is the default and the
/// only version records embed and [`Release::from_bom`] reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SpecVersion {
    /// CycloneDX 1.6.
    #[default]
    V1_6,
    /// CycloneDX 1.7: the same mapping, with the 1.7 `$schema` and `specVersion`.
    V1_7,
}

impl SpecVersion {
    /// Every version sceau writes, oldest first.
    pub const ALL: [SpecVersion; 2] = [SpecVersion::V1_6, SpecVersion::V1_7];

    /// `1.6` or `1.7`, as `specVersion` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            SpecVersion::V1_6 => "1.6",
            SpecVersion::V1_7 => "1.7",
        }
    }

    /// The `$schema` URI of this version.
    pub fn schema_uri(self) -> &'static str {
        match self {
            SpecVersion::V1_6 => SCHEMA_URI,
            SpecVersion::V1_7 => SCHEMA_URI_1_7,
        }
    }
}

impl std::fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CycloneDX version sceau does not write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported CycloneDX version {given:?} (sceau writes 1.6 and 1.7)")]
pub struct UnknownSpecVersion {
    /// The version asked for.
    pub given: String,
}

impl std::str::FromStr for SpecVersion {
    type Err = UnknownSpecVersion;
    fn from_str(s: &str) -> Result<Self, UnknownSpecVersion> {
        SpecVersion::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
            .ok_or_else(|| UnknownSpecVersion { given: s.into() })
    }
}

/// Prefix of every property sceau defines (spec/bom.md §3).
pub const NS: &str = "sceau:";

/// A CycloneDX BOM document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bom {
    /// JSON schema URI.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Always `CycloneDX`.
    pub bom_format: String,
    /// `1.6` (or `1.7`, [`SpecVersion`]).
    pub spec_version: String,
    /// `urn:uuid:` serial; sceau writes one derived from the content (spec/bom.md §1.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// BOM version, starting at 1.
    pub version: u32,
    /// Metadata: the release itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// One component per artifact.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Fields sceau does not interpret.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// BOM metadata.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// When the BOM was made (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// The tools that made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Value>,
    /// The organisation that made the BOM (an `organizationalEntity`): the claimed provider
    /// (spec/bom.md §2.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<Value>,
    /// The release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<Component>,
    /// The organisation that supplies the release (an `organizationalEntity`): the claimed
    /// provider (spec/bom.md §2.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<Value>,
    /// `sceau:` properties of the BOM as a whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    /// Fields sceau does not interpret.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A name-value property.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// Name, `sceau:`-prefixed for sceau's own.
    pub name: String,
    /// Value.
    #[serde(default)]
    pub value: String,
}

/// A hash of a component.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hash {
    /// Algorithm (`SHA-256`).
    pub alg: String,
    /// Hex value.
    pub content: String,
}

/// A CycloneDX component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Component {
    /// Component type (`machine-learning-model`, `data`, `file`, …).
    #[serde(rename = "type")]
    pub type_: String,
    /// Reference unique within the BOM.
    #[serde(rename = "bom-ref", default, skip_serializing_if = "Option::is_none")]
    pub bom_ref: Option<String>,
    /// Who supplies the component (an `organizationalEntity`, spec/bom.md §2.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<Value>,
    /// Who made the component (an `organizationalEntity`, spec/bom.md §2.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<Value>,
    /// Name.
    pub name: String,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Hashes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<Hash>,
    /// Licences (raw licenseChoice).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<Value>,
    /// Where things live.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_references: Vec<Value>,
    /// Model card (machine-learning-model components).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_card: Option<Value>,
    /// Data descriptions (data components).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<Value>,
    /// Ancestry (lineage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pedigree: Option<Value>,
    /// `sceau:` properties.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    /// Fields sceau does not interpret.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Component {
    fn new(type_: &str, name: &str) -> Self {
        Component {
            type_: type_.into(),
            bom_ref: None,
            supplier: None,
            manufacturer: None,
            name: name.into(),
            version: None,
            hashes: Vec::new(),
            licenses: Vec::new(),
            external_references: Vec::new(),
            model_card: None,
            data: Vec::new(),
            pedigree: None,
            properties: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Value of the first property called `name`.
    pub fn property(&self, name: &str) -> Option<&str> {
        prop(&self.properties, name)
    }
}

fn prop<'a>(props: &'a [Property], name: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.value.as_str())
}

fn props_all<'a>(props: &'a [Property], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    props
        .iter()
        .filter(move |p| p.name == name)
        .map(|p| p.value.as_str())
}

fn p(name: &str, value: impl ToString) -> Property {
    Property {
        name: format!("{NS}{name}"),
        value: value.to_string(),
    }
}

/// The CycloneDX component type for an artifact kind (spec/bom.md §2.2).
pub fn component_type(kind: ArtifactKind) -> &'static str {
    match kind {
        ArtifactKind::Weights => "machine-learning-model",
        ArtifactKind::Dataset => "data",
        _ => "file",
    }
}

/// The `licenses` value for a licence (spec/bom.md §4.3): SPDX expressions use the
/// `expression` form, named licences the `license.name` form with their URL.
pub fn licence_choice(l: &Licence, acknowledgement: &str) -> Vec<Value> {
    match l {
        Licence::Spdx { expression } => vec![serde_json::json!({
            "expression": expression,
            "acknowledgement": acknowledgement,
        })],
        Licence::Named { id, url, file } => {
            let mut lic = Map::new();
            lic.insert("name".into(), id.clone().into());
            lic.insert("acknowledgement".into(), acknowledgement.into());
            if let Some(u) = url.as_ref().filter(|u| is_url(u)) {
                lic.insert("url".into(), u.clone().into());
            }
            let mut props = Vec::new();
            if let Some(f) = file {
                props.push(
                    serde_json::json!({"name": format!("{NS}licence.file"), "value": f.as_str()}),
                );
            }
            if let Some(u) = url.as_ref().filter(|u| !is_url(u)) {
                props.push(serde_json::json!({"name": format!("{NS}licence.link"), "value": u}));
            }
            if !props.is_empty() {
                lic.insert("properties".into(), Value::Array(props));
            }
            vec![serde_json::json!({ "license": lic })]
        }
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

/// Reads a licence back from a `licenses` value written by [`licence_choice`].
pub fn licence_from_choice(v: &[Value]) -> Option<Licence> {
    let first = v.first()?;
    if let Some(e) = first.get("expression").and_then(Value::as_str) {
        return Some(Licence::Spdx {
            expression: e.to_owned(),
        });
    }
    let lic = first.get("license")?;
    if let Some(id) = lic.get("id").and_then(Value::as_str) {
        return Some(Licence::Spdx {
            expression: id.to_owned(),
        });
    }
    let id = lic.get("name").and_then(Value::as_str)?.to_owned();
    let props: Vec<Property> = lic
        .get("properties")
        .and_then(|p| serde_json::from_value(p.clone()).ok())
        .unwrap_or_default();
    let url = lic
        .get("url")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| prop(&props, "sceau:licence.link").map(str::to_owned));
    let file = prop(&props, "sceau:licence.file").and_then(|f| RelPath::new(f).ok());
    Some(Licence::Named { id, url, file })
}

fn model_card(card: &CardMeta) -> Value {
    let mut params = Map::new();
    if let Some(t) = &card.pipeline_tag {
        params.insert("task".into(), t.clone().into());
    }
    if !card.datasets.is_empty() {
        let ds: Vec<Value> = card
            .datasets
            .iter()
            .map(|d| {
                serde_json::json!({
                    "type": "dataset",
                    "name": d,
                    "contents": {"url": format!("https://huggingface.co/datasets/{d}")},
                })
            })
            .collect();
        params.insert("datasets".into(), Value::Array(ds));
    }
    let mut mc = Map::new();
    if !params.is_empty() {
        mc.insert("modelParameters".into(), Value::Object(params));
    }
    if !card.eval_results.is_empty() {
        let metrics: Vec<Value> = card
            .eval_results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "type": r.metric,
                    "value": r.value,
                    "slice": r.dataset,
                })
            })
            .collect();
        mc.insert(
            "quantitativeAnalysis".into(),
            serde_json::json!({ "performanceMetrics": metrics }),
        );
    }
    let mut props = Vec::new();
    for (k, vs) in [
        ("card.language", &card.language),
        ("card.tags", &card.tags),
        ("card.base_model", &card.base_model),
    ] {
        for v in vs {
            props.push(p(k, v));
        }
    }
    for (k, v) in [
        ("card.license", &card.license),
        ("card.license_name", &card.license_name),
        ("card.license_link", &card.license_link),
        ("card.base_model_relation", &card.base_model_relation),
        ("card.pipeline_tag", &card.pipeline_tag),
        ("card.library_name", &card.library_name),
    ] {
        if let Some(v) = v {
            props.push(p(k, v));
        }
    }
    for r in &card.eval_results {
        props.push(p("card.eval.task", &r.task));
    }
    if !props.is_empty() {
        mc.insert(
            "properties".into(),
            serde_json::to_value(props).unwrap_or_default(),
        );
    }
    Value::Object(mc)
}

fn card_from_model_card(mc: &Value) -> CardMeta {
    let props: Vec<Property> = mc
        .get("properties")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let all = |k: &str| -> Vec<String> {
        props_all(&props, &format!("{NS}{k}"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let one = |k: &str| prop(&props, &format!("{NS}{k}")).map(str::to_owned);
    let datasets = mc
        .pointer("/modelParameters/datasets")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                // Datasets with a `bom-ref` are the claims' (spec/claims.md §4).
                .filter(|d| d.get("bom-ref").is_none())
                .filter_map(|d| d.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let tasks = all("card.eval.task");
    let eval_results = mc
        .pointer("/quantitativeAnalysis/performanceMetrics")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                // The card's results come first, one `card.eval.task` each; the claims'
                // follow (spec/claims.md §4).
                .take(tasks.len())
                .enumerate()
                .map(|(i, m)| EvalResult {
                    task: tasks.get(i).cloned().unwrap_or_default(),
                    dataset: str_at(m, "slice"),
                    metric: str_at(m, "type"),
                    value: str_at(m, "value"),
                })
                .collect()
        })
        .unwrap_or_default();
    CardMeta {
        license: one("card.license"),
        license_name: one("card.license_name"),
        license_link: one("card.license_link"),
        datasets,
        base_model: all("card.base_model"),
        base_model_relation: one("card.base_model_relation"),
        language: all("card.language"),
        tags: all("card.tags"),
        pipeline_tag: one("card.pipeline_tag"),
        library_name: one("card.library_name"),
        eval_results,
    }
}

fn str_at(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// `bom-ref` of an artifact's component.
pub fn artifact_ref(path: &RelPath) -> String {
    format!("artifact:{path}")
}

fn artifact_component(a: &Artifact) -> Component {
    // A folder of the manifest form is named with a trailing `/` and is data whatever its
    // files are (spec/manifest.md §6).
    let mut c = match a.folder {
        Some(_) => Component::new("data", &format!("{}/", a.path)),
        None => Component::new(component_type(a.kind), a.path.as_str()),
    };
    c.bom_ref = Some(artifact_ref(&a.path));
    c.hashes.push(Hash {
        alg: "SHA-256".into(),
        content: a.sha256.to_hex(),
    });
    if let Some(b) = &a.blake3 {
        // CycloneDX 1.6 hash-alg `BLAKE3` (spec/hashing.md §2.4).
        c.hashes.push(Hash {
            alg: "BLAKE3".into(),
            content: b.to_hex(),
        });
    }
    if let Some(l) = &a.licence {
        c.licenses = licence_choice(l, "declared");
    } else if let Some(d) = &a.detected_licence {
        c.licenses =
            vec![serde_json::json!({"expression": d.spdx_id, "acknowledgement": "concluded"})];
    }
    c.properties.push(p("kind", a.kind));
    c.properties.push(p("size", a.size));
    if let Some(f) = &a.folder {
        c.properties.push(p("folder.files", f.files));
    }
    if let Some(d) = &a.detected_licence {
        c.properties.push(p("licence.detected", &d.spdx_id));
        c.properties
            .push(p("licence.confidence", format!("{:.3}", d.confidence)));
    }
    if a.kind == ArtifactKind::Dataset {
        c.data
            .push(serde_json::json!({"type": "dataset", "name": a.path.as_str()}));
    }
    if let Some(w) = &a.weights {
        c.properties.push(p("weights.format", w.format.as_str()));
        c.properties.push(p("weights.tensors", w.tensor_count));
        c.properties
            .push(p("weights.parameters", w.parameter_count));
        for (dt, n) in &w.dtypes {
            c.properties.push(p("weights.dtype", format!("{dt}={n}")));
        }
        if let Some(arch) = &w.architecture {
            c.properties.push(p("weights.architecture", arch));
        }
        if let Some(ft) = &w.file_type {
            c.properties.push(p("weights.file_type", ft));
        }
    }
    // spec/fingerprint.md §5.4.
    match &a.fingerprint {
        Some(WeightPrint::Recorded { value }) => c.properties.push(p(FINGERPRINT, value)),
        Some(WeightPrint::Skipped { reason }) => {
            c.properties.push(p(FINGERPRINT_SKIPPED, reason));
        }
        None => {}
    }
    c
}

/// The property carrying a weight file's fingerprint, without the `sceau:` prefix
/// (spec/fingerprint.md §5.4).
const FINGERPRINT: &str = "weights.fingerprint";
/// The property saying why a weight file has no fingerprint, without the prefix.
const FINGERPRINT_SKIPPED: &str = "weights.fingerprint.skipped";

/// Reads a component's fingerprint properties (spec/bom.md §5): at most one of the two, only
/// on a weights component, in the form sceau writes.
fn fingerprint_from_component(
    c: &Component,
    kind: ArtifactKind,
) -> Result<Option<WeightPrint>, String> {
    let value = c.property(&format!("{NS}{FINGERPRINT}"));
    let skipped = c.property(&format!("{NS}{FINGERPRINT_SKIPPED}"));
    let print = match (value, skipped) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => {
            return Err("both a fingerprint and a reason for having none: ambiguous".into())
        }
        (Some(v), None) => WeightPrint::Recorded {
            value: v.to_owned(),
        },
        (None, Some(r)) => WeightPrint::Skipped {
            reason: r.to_owned(),
        },
    };
    if kind != ArtifactKind::Weights {
        return Err(format!(
            "a fingerprint on a {kind} file: only weights have one"
        ));
    }
    print.check().map_err(|e| e.to_string())?;
    Ok(Some(print))
}

/// `bom-ref` of a parent in `pedigree.ancestors`.
pub fn parent_ref(record: &Sha256Digest) -> String {
    format!("parent:sha256:{record}")
}

/// A parent as a `pedigree.ancestors` component (spec/bom.md §2.5, spec/lineage.md §1.3).
fn parent_component(parent: &crate::lineage::Parent) -> Value {
    let mut c = Component::new("machine-learning-model", &parent.name);
    c.bom_ref = Some(parent_ref(&parent.record));
    c.version = Some(parent.version.clone());
    c.properties
        .push(p("parent.record", format!("sha256:{}", parent.record)));
    c.properties.push(p("parent.relation", parent.relation));
    serde_json::to_value(c).unwrap_or_default()
}

fn parents_from_pedigree(rel: &Component) -> Result<Vec<crate::lineage::Parent>, BomError> {
    let Some(ancestors) = rel.pedigree.as_ref().and_then(|p| p.get("ancestors")) else {
        return Ok(Vec::new());
    };
    let list = ancestors
        .as_array()
        .ok_or(BomError::Missing("pedigree.ancestors as a list"))?;
    if list.len() > crate::lineage::MAX_PARENTS {
        return Err(BomError::Component {
            name: rel.name.clone(),
            reason: format!(
                "{} parents, over the limit of {}",
                list.len(),
                crate::lineage::MAX_PARENTS
            ),
        });
    }
    let mut out = Vec::with_capacity(list.len());
    for a in list {
        let c: Component = serde_json::from_value(a.clone()).map_err(|e| BomError::Component {
            name: rel.name.clone(),
            reason: format!("ancestor: {e}"),
        })?;
        let err = |reason: String| BomError::Component {
            name: c.name.clone(),
            reason,
        };
        let record = c
            .property("sceau:parent.record")
            .and_then(|v| v.strip_prefix("sha256:"))
            .ok_or_else(|| err("ancestor has no sceau:parent.record".into()))?
            .parse()
            .map_err(|e: crate::digest::DigestError| err(e.to_string()))?;
        let relation = c
            .property("sceau:parent.relation")
            .ok_or_else(|| err("ancestor has no sceau:parent.relation".into()))?
            .parse()
            .map_err(|e: crate::UnknownValue| err(e.to_string()))?;
        out.push(crate::lineage::Parent {
            record,
            name: c.name.clone(),
            version: c.version.clone().unwrap_or_default(),
            relation,
        });
    }
    Ok(out)
}

/// Why a BOM cannot be read back into a release.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BomError {
    /// Not CycloneDX 1.6 JSON.
    #[error("predicate is not a CycloneDX 1.6 BOM: {0}")]
    NotCycloneDx(String),
    /// A required part is missing.
    #[error("BOM has no {0}")]
    Missing(&'static str),
    /// A component is not as sceau writes it.
    #[error("BOM component {name:?}: {reason}")]
    Component {
        /// Component name.
        name: String,
        /// What is wrong.
        reason: String,
    },
}

impl Bom {
    /// The serial number derived from this BOM's content (spec/bom.md §1.3): the
    /// [`ContentUuid`](crate::uuid::ContentUuid) in [`SERIAL_DOMAIN`] of the compact JSON of
    /// the BOM without its `serialNumber`, members in the order sceau writes them, as a
    /// `urn:uuid:` URN.
    pub fn content_serial(&self) -> String {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.shift_remove("serialNumber");
        }
        // A Bom always serialises (string keys only); should it not, the serial is that of
        // "null", still a valid and stable UUID.
        let bytes = serde_json::to_vec(&v).unwrap_or_default();
        crate::uuid::ContentUuid::from_parts(SERIAL_DOMAIN, &[&bytes]).urn()
    }
}

impl Release {
    /// The CycloneDX 1.6 BOM of this release (spec/bom.md §2): [`Release::to_bom_versioned`]
    /// with [`SpecVersion::V1_6`]. `timestamp` is RFC 3339, given by the caller (this crate
    /// does not read the clock).
    pub fn to_bom(&self, timestamp: &str) -> Bom {
        self.to_bom_versioned(timestamp, SpecVersion::V1_6)
    }

    /// The BOM of this release in CycloneDX `spec` (spec/bom.md §1.4, §2): the same mapping for
    /// every version, with that version's `$schema` and `specVersion`, and the serial number
    /// derived from the content (spec/bom.md §1.3).
    pub fn to_bom_versioned(&self, timestamp: &str, spec: SpecVersion) -> Bom {
        let mut release = Component::new("machine-learning-model", &self.name);
        release.bom_ref = Some("release".into());
        release.version = Some(self.version.clone());
        if let Some(l) = &self.licence {
            release.licenses = licence_choice(l, "declared");
        }
        if let Some(card) = &self.card {
            release.model_card = Some(model_card(card));
        }
        if let Some(claims) = &self.claims {
            let mc = release
                .model_card
                .get_or_insert_with(|| Value::Object(Map::new()));
            claims::write(mc, claims, self.card.is_some());
        }
        let provider = self
            .claims
            .as_ref()
            .and_then(|c| c.provider.as_ref())
            .map(claims::provider_entity);
        release.supplier.clone_from(&provider);
        release.manufacturer.clone_from(&provider);
        if !self.parents.is_empty() {
            let ancestors: Vec<Value> = self.parents.iter().map(parent_component).collect();
            release.pedigree = Some(serde_json::json!({ "ancestors": ancestors }));
        }
        if let Some(root) = &self.oms_root {
            // The model's OMS identity (spec/oms.md §11), and the resource order its root
            // was computed in, should OMS settle on another one later.
            release
                .properties
                .push(p(OMS_ROOT, format!("sha256:{}", root.to_hex())));
            release.properties.push(p(OMS_ORDER, OMS_ORDER_POSIX));
        }
        let mut props = vec![
            p("release.name", &self.name),
            p("release.version", &self.version),
        ];
        for rule in &self.ignore.0 {
            props.push(p("ignore", rule));
        }
        if self.tokenizer_changed {
            props.push(p("tokenizer.changed", "true"));
        }
        if let Some(m) = &self.manifest {
            // The manifest of every file, by its digest (spec/manifest.md §6).
            props.push(p("manifest.sha256", m.sha256.to_hex()));
            props.push(p("manifest.root", m.root.to_hex()));
            props.push(p("manifest.files", m.files));
            props.push(p("manifest.bytes", m.bytes));
        }
        props.push(p("artifacts", self.artifacts.len()));
        props.push(p("bytes", self.total_bytes()));
        props.push(p("parameters", self.parameter_count()));
        let tools = serde_json::json!({
            "components": [{
                "type": "application",
                "name": "sceau",
                "version": crate::TOOL_VERSION,
            }]
        });
        let mut bom = Bom {
            schema: Some(spec.schema_uri().into()),
            bom_format: "CycloneDX".into(),
            spec_version: spec.as_str().into(),
            serial_number: None,
            version: 1,
            metadata: Some(Metadata {
                timestamp: Some(timestamp.into()),
                tools: Some(tools),
                manufacturer: provider.clone(),
                component: Some(release),
                supplier: provider,
                properties: props,
                extra: Map::new(),
            }),
            components: self.artifacts.iter().map(artifact_component).collect(),
            extra: Map::new(),
        };
        bom.serial_number = Some(bom.content_serial());
        bom
    }

    /// Reads a release back from a BOM that sceau wrote (spec/bom.md §5). Digests come from
    /// the BOM's hashes; a verifier must compare them with the signed subjects.
    pub fn from_bom(bom: &Bom) -> Result<Release, BomError> {
        if bom.bom_format != "CycloneDX" || bom.spec_version != "1.6" {
            return Err(BomError::NotCycloneDx(format!(
                "bomFormat {:?}, specVersion {:?}",
                bom.bom_format, bom.spec_version
            )));
        }
        let meta = bom.metadata.as_ref().ok_or(BomError::Missing("metadata"))?;
        let rel = meta
            .component
            .as_ref()
            .ok_or(BomError::Missing("metadata.component"))?;
        let ignore = IgnoreRules(
            props_all(&meta.properties, "sceau:ignore")
                .map(str::to_owned)
                .collect(),
        );
        let version = rel.version.clone().unwrap_or_default();
        // Names people read must not print like other names (spec/record.md §2.7).
        let refused = |what: &str, e: crate::name::NameError| BomError::Component {
            name: rel.name.chars().take(80).collect(),
            reason: format!("release {what} refused: {e}"),
        };
        crate::name::check_name(&rel.name).map_err(|e| refused("name", e))?;
        if !version.is_empty() {
            crate::name::check_name(&version).map_err(|e| refused("version", e))?;
        }
        let manifest = manifest_from_props(&meta.properties)?;
        let mut artifacts = Vec::with_capacity(bom.components.len());
        for c in &bom.components {
            artifacts.push(artifact_from_component(c)?);
        }
        artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        if manifest.is_none() {
            if let Some(a) = artifacts.iter().find(|a| a.folder.is_some()) {
                return Err(BomError::Component {
                    name: format!("{}/", a.path),
                    reason: "a folder component in a BOM without a manifest".into(),
                });
            }
        }
        Ok(Release {
            manifest,
            name: rel.name.clone(),
            version,
            artifacts,
            licence: licence_from_choice(&rel.licenses),
            card: rel
                .model_card
                .as_ref()
                .filter(|mc| !claims::card_absent(mc))
                .map(card_from_model_card),
            ignore,
            parents: parents_from_pedigree(rel)?,
            tokenizer_changed: prop(&meta.properties, "sceau:tokenizer.changed") == Some("true"),
            oms_root: oms_root(rel)?,
            claims: match rel
                .model_card
                .as_ref()
                .map(claims::read)
                .transpose()?
                .flatten()
            {
                // The provider is the release component's supplier (spec/claims.md §4).
                Some(mut c) => {
                    c.provider = rel
                        .supplier
                        .as_ref()
                        .map(claims::read_provider)
                        .transpose()?;
                    Some(c)
                }
                None => None,
            },
        })
    }
}

/// The manifest reference of a BOM's metadata: all four properties or none
/// (spec/manifest.md §6).
fn manifest_from_props(props: &[Property]) -> Result<Option<crate::ManifestRef>, BomError> {
    let names = [
        "sceau:manifest.sha256",
        "sceau:manifest.root",
        "sceau:manifest.files",
        "sceau:manifest.bytes",
    ];
    let err = |reason: String| BomError::Component {
        name: "metadata".into(),
        reason,
    };
    for n in names {
        if props_all(props, n).count() > 1 {
            return Err(err(format!("property {n} given twice: ambiguous")));
        }
    }
    let vals: Vec<Option<&str>> = names.iter().map(|n| prop(props, n)).collect();
    if vals.iter().all(Option::is_none) {
        return Ok(None);
    }
    let [Some(sha), Some(root), Some(files), Some(bytes)] = vals[..] else {
        return Err(err(
            "the manifest is named by sceau:manifest.sha256, .root, .files and .bytes together"
                .into(),
        ));
    };
    let digest = |what: &str, v: &str| -> Result<Sha256Digest, BomError> {
        v.parse()
            .map_err(|e: crate::digest::DigestError| err(format!("{what}: {e}")))
    };
    let number = |what: &str, v: &str| -> Result<u64, BomError> {
        v.parse()
            .map_err(|_| err(format!("{what}: {v:?} is not a number")))
    };
    Ok(Some(crate::ManifestRef {
        sha256: digest("sceau:manifest.sha256", sha)?,
        root: digest("sceau:manifest.root", root)?,
        files: number("sceau:manifest.files", files)?,
        bytes: number("sceau:manifest.bytes", bytes)?,
    }))
}

/// `sceau:oms.root` of the release component (spec/oms.md §11): the model's OMS root digest.
const OMS_ROOT: &str = "oms.root";
/// `sceau:oms.order`: the resource order the root was computed in.
const OMS_ORDER: &str = "oms.order";
/// `model_signing`'s order (spec/oms.md §5.3), the only one sceau writes.
const OMS_ORDER_POSIX: &str = "posix-path";

/// The release component's OMS root, if it names one: at most once, `sha256:` and 64
/// lower-case hex digits, with `sceau:oms.order` = `posix-path` beside it.
fn oms_root(rel: &Component) -> Result<Option<Sha256Digest>, BomError> {
    let err = |reason: String| BomError::Component {
        name: rel.name.chars().take(80).collect(),
        reason,
    };
    let one = |name: &str| -> Result<Option<&str>, BomError> {
        let full = format!("{NS}{name}");
        let mut it = rel
            .properties
            .iter()
            .filter(|p| p.name == full)
            .map(|p| p.value.as_str());
        let first = it.next();
        if it.next().is_some() {
            return Err(err(format!("property {full} given twice: ambiguous")));
        }
        Ok(first)
    };
    let Some(root) = one(OMS_ROOT)? else {
        return Ok(None);
    };
    let digest = root
        .strip_prefix("sha256:")
        .ok_or_else(|| err(format!("{NS}{OMS_ROOT} is not sha256:HEX")))?
        .parse::<Sha256Digest>()
        .map_err(|e| err(format!("{NS}{OMS_ROOT}: {e}")))?;
    match one(OMS_ORDER)? {
        Some(OMS_ORDER_POSIX) => Ok(Some(digest)),
        other => Err(err(format!(
            "{NS}{OMS_ORDER} is {other:?}; sceau reads OMS roots in the {OMS_ORDER_POSIX:?} order"
        ))),
    }
}

fn artifact_from_component(c: &Component) -> Result<Artifact, BomError> {
    let err = |reason: String| BomError::Component {
        name: c.name.clone(),
        reason,
    };
    let (name, is_folder) = match c.name.strip_suffix('/') {
        Some(dir) => (dir, true),
        None => (c.name.as_str(), false),
    };
    let path = RelPath::new(name).map_err(|e| err(e.to_string()))?;
    let folder = match (is_folder, c.property("sceau:folder.files")) {
        (true, Some(n)) => Some(crate::Folder {
            files: n
                .parse()
                .map_err(|_| err(format!("sceau:folder.files {n:?} is not a number")))?,
        }),
        (false, None) => None,
        (true, None) => return Err(err("a folder without sceau:folder.files".into())),
        (false, Some(_)) => {
            return Err(err(
                "sceau:folder.files on a file (a folder's name ends with /)".into(),
            ))
        }
    };
    if folder.is_some() && c.hashes.iter().any(|h| h.alg != "SHA-256") {
        return Err(err("a folder has only its root, a SHA-256".into()));
    }
    // One value per hash algorithm and per single-valued property: a second one would let two
    // readers see two different files (spec/bom.md §5).
    for (i, h) in c.hashes.iter().enumerate() {
        if c.hashes[..i].iter().any(|p| p.alg == h.alg) {
            return Err(err(format!("two {} hashes: ambiguous", h.alg)));
        }
    }
    for (i, p) in c.properties.iter().enumerate() {
        let multi = p.name == "sceau:weights.dtype";
        if !multi && p.name.starts_with(NS) && c.properties[..i].iter().any(|q| q.name == p.name) {
            return Err(err(format!("property {} given twice: ambiguous", p.name)));
        }
    }
    let sha256: Sha256Digest = c
        .hashes
        .iter()
        .find(|h| h.alg == "SHA-256")
        .ok_or_else(|| err("no SHA-256 hash".into()))?
        .content
        .parse()
        .map_err(|e: crate::digest::DigestError| err(e.to_string()))?;
    let blake3: Option<Blake3Digest> = c
        .hashes
        .iter()
        .find(|h| h.alg == "BLAKE3")
        .map(|h| h.content.parse())
        .transpose()
        .map_err(|e: crate::digest::DigestError| err(format!("BLAKE3: {e}")))?;
    let kind: ArtifactKind = c
        .property("sceau:kind")
        .ok_or_else(|| err("no sceau:kind".into()))?
        .parse()
        .map_err(|e: crate::UnknownValue| err(e.to_string()))?;
    let size = c
        .property("sceau:size")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| err("no valid sceau:size".into()))?;
    let detected_licence = c
        .property("sceau:licence.detected")
        .map(|id| LicenceDetection {
            spdx_id: id.to_owned(),
            confidence: c
                .property("sceau:licence.confidence")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0.0),
        });
    let licence = match c.licenses.first() {
        Some(v)
            if v.get("acknowledgement")
                .or_else(|| v.pointer("/license/acknowledgement"))
                .and_then(Value::as_str)
                == Some("declared") =>
        {
            licence_from_choice(&c.licenses)
        }
        _ => None,
    };
    let weights = match c.property("sceau:weights.format") {
        Some(f) => {
            let format = match f {
                "safetensors" => WeightFormat::Safetensors,
                "gguf" => WeightFormat::Gguf,
                other => return Err(err(format!("unknown weights format {other:?}"))),
            };
            let num = |k: &str| {
                c.property(k)
                    .and_then(|s| s.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            let mut dtypes = BTreeMap::new();
            for v in props_all(&c.properties, "sceau:weights.dtype") {
                if let Some((k, n)) = v.split_once('=') {
                    dtypes.insert(k.to_owned(), n.parse().unwrap_or(0));
                }
            }
            Some(WeightInfo {
                format,
                tensor_count: num("sceau:weights.tensors"),
                parameter_count: num("sceau:weights.parameters"),
                dtypes,
                architecture: c.property("sceau:weights.architecture").map(str::to_owned),
                file_type: c.property("sceau:weights.file_type").map(str::to_owned),
            })
        }
        None => None,
    };
    let fingerprint = fingerprint_from_component(c, kind).map_err(err)?;
    Ok(Artifact {
        path,
        size,
        sha256,
        blake3,
        kind,
        licence,
        detected_licence,
        weights,
        folder,
        fingerprint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Release {
        let h: Sha256Digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            .parse()
            .unwrap();
        let mut dtypes = BTreeMap::new();
        dtypes.insert("BF16".to_owned(), 96u64);
        Release {
            name: "org/m".into(),
            version: "1.0".into(),
            artifacts: vec![
                Artifact {
                    path: RelPath::new("LICENSE").unwrap(),
                    size: 11,
                    sha256: h,
                    blake3: None,
                    kind: ArtifactKind::Licence,
                    licence: None,
                    detected_licence: Some(LicenceDetection {
                        spdx_id: "Apache-2.0".into(),
                        confidence: 0.99,
                    }),
                    weights: None,
                    folder: None,
                    fingerprint: None,
                },
                Artifact {
                    path: RelPath::new("model.safetensors").unwrap(),
                    size: 300,
                    sha256: h,
                    blake3: Some(Blake3Digest([7; 32])),
                    kind: ArtifactKind::Weights,
                    licence: Some(Licence::Named {
                        id: "llama3.1".into(),
                        url: Some("LICENSE".into()),
                        file: Some(RelPath::new("LICENSE").unwrap()),
                    }),
                    detected_licence: None,
                    weights: Some(WeightInfo {
                        format: WeightFormat::Safetensors,
                        tensor_count: 2,
                        parameter_count: 96,
                        dtypes,
                        architecture: None,
                        file_type: None,
                    }),
                    folder: None,
                    fingerprint: Some(WeightPrint::Recorded {
                        value: "U0NGUAEAAQAAAAAA".into(),
                    }),
                },
            ],
            licence: Some(Licence::Spdx {
                expression: "Apache-2.0".into(),
            }),
            card: Some(CardMeta {
                license: Some("apache-2.0".into()),
                datasets: vec!["a/b".into()],
                base_model: vec!["x/y".into()],
                language: vec!["en".into(), "fr".into()],
                eval_results: vec![EvalResult {
                    task: "text-generation".into(),
                    dataset: "HellaSwag".into(),
                    metric: "accuracy".into(),
                    value: "0.42".into(),
                }],
                ..CardMeta::default()
            }),
            ignore: IgnoreRules::default(),
            parents: vec![crate::lineage::Parent {
                record: h,
                name: "org/base".into(),
                version: "0.9".into(),
                relation: crate::lineage::Relation::Finetune,
            }],
            tokenizer_changed: true,
            claims: None,
            manifest: None,
            oms_root: Some(Sha256Digest([5; 32])),
        }
    }

    #[test]
    fn release_round_trips_through_the_bom() {
        let r = sample();
        let bom = r.to_bom("2026-01-01T00:00:00Z");
        let json = serde_json::to_string(&bom).unwrap();
        let back: Bom = serde_json::from_str(&json).unwrap();
        assert_eq!(Release::from_bom(&back).unwrap(), r);
    }

    /// spec/oms.md §11: the OMS root is one `sha256:HEX` property of the release component,
    /// in the posix-path order; anything else is refused rather than guessed.
    #[test]
    fn the_oms_root_is_read_back_exactly_once_in_its_order() {
        let r = sample();
        let bom = r.to_bom("2026-01-01T00:00:00Z");
        let props = &bom
            .metadata
            .as_ref()
            .unwrap()
            .component
            .as_ref()
            .unwrap()
            .properties;
        assert!(props.iter().any(
            |p| p.name == "sceau:oms.root" && p.value == format!("sha256:{}", "05".repeat(32))
        ));
        let edit = |f: &dyn Fn(&mut Vec<Property>)| {
            let mut b = bom.clone();
            f(&mut b
                .metadata
                .as_mut()
                .unwrap()
                .component
                .as_mut()
                .unwrap()
                .properties);
            Release::from_bom(&b)
        };
        let twice = edit(&|ps| ps.push(p(OMS_ROOT, format!("sha256:{}", "06".repeat(32)))));
        assert!(twice.unwrap_err().to_string().contains("twice"));
        let order = edit(&|ps| {
            for q in ps.iter_mut().filter(|q| q.name == "sceau:oms.order") {
                q.value = "code-point".into();
            }
        });
        assert!(order.unwrap_err().to_string().contains("order"));
        let bare = edit(&|ps| {
            for q in ps.iter_mut().filter(|q| q.name == "sceau:oms.root") {
                q.value = "05".repeat(32);
            }
        });
        assert!(bare.unwrap_err().to_string().contains("sha256:HEX"));
        let none = edit(&|ps| ps.retain(|q| !q.name.starts_with("sceau:oms.")));
        assert_eq!(none.unwrap().oms_root, None);
    }

    #[test]
    fn the_serial_is_derived_from_the_content() {
        let r = sample();
        let a = r.to_bom("2026-01-01T00:00:00Z");
        let serial = a.serial_number.clone().unwrap();
        // Same release and time: same serial; it is the content UUID of the BOM without it.
        assert_eq!(
            r.to_bom("2026-01-01T00:00:00Z").serial_number,
            Some(serial.clone())
        );
        assert_eq!(a.content_serial(), serial);
        let mut stripped = serde_json::to_value(&a).unwrap();
        stripped
            .as_object_mut()
            .unwrap()
            .shift_remove("serialNumber");
        let expected = crate::uuid::ContentUuid::from_parts(
            SERIAL_DOMAIN,
            &[&serde_json::to_vec(&stripped).unwrap()],
        );
        assert_eq!(serial, expected.urn());
        // Survives a write and a read.
        let back: Bom = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(back.content_serial(), serial);
        // Any change of content changes it: the time, a digest, the version.
        assert_ne!(
            r.to_bom("2026-01-01T00:00:01Z").serial_number,
            Some(serial.clone())
        );
        let mut r2 = r.clone();
        r2.artifacts[0].sha256 = Sha256Digest([1; 32]);
        assert_ne!(
            r2.to_bom("2026-01-01T00:00:00Z").serial_number,
            Some(serial.clone())
        );
        assert_ne!(
            r.to_bom_versioned("2026-01-01T00:00:00Z", SpecVersion::V1_7)
                .serial_number,
            Some(serial)
        );
    }

    #[test]
    fn writes_1_7_with_the_same_mapping() {
        let r = sample();
        let a = serde_json::to_value(r.to_bom("2026-01-01T00:00:00Z")).unwrap();
        let b = serde_json::to_value(r.to_bom_versioned("2026-01-01T00:00:00Z", SpecVersion::V1_7))
            .unwrap();
        assert_eq!(a["specVersion"], "1.6");
        assert_eq!(b["specVersion"], "1.7");
        assert_eq!(b["$schema"], SCHEMA_URI_1_7);
        for key in ["metadata", "components", "bomFormat", "version"] {
            assert_eq!(a[key], b[key], "{key}");
        }
        assert_eq!("1.7".parse::<SpecVersion>(), Ok(SpecVersion::V1_7));
        assert_eq!(" 1.6 ".parse::<SpecVersion>(), Ok(SpecVersion::V1_6));
        assert!("1.5".parse::<SpecVersion>().is_err());
        // Records embed 1.6 only: a 1.7 BOM is not read back.
        let mut bom = r.to_bom("2026-01-01T00:00:00Z");
        bom.spec_version = "1.7".into();
        assert!(matches!(
            Release::from_bom(&bom),
            Err(BomError::NotCycloneDx(_))
        ));
    }

    /// spec/bom.md §5: a fingerprint only on a weights component, never both forms, in the
    /// form sceau writes.
    #[test]
    fn fingerprint_properties_are_read_strictly() {
        let r = sample();
        let bom = r.to_bom("2026-01-01T00:00:00Z");
        let weights = bom
            .components
            .iter()
            .position(|c| c.name == "model.safetensors")
            .unwrap();
        assert_eq!(
            bom.components[weights].property("sceau:weights.fingerprint"),
            Some("U0NGUAEAAQAAAAAA")
        );
        let with = |i: usize, name: &str, value: &str| {
            let mut b = bom.clone();
            b.components[i].properties.push(Property {
                name: name.into(),
                value: value.into(),
            });
            Release::from_bom(&b)
        };
        // Both forms, a second value, a malformed value, a fingerprint on a licence file.
        for (i, name, value) in [
            (weights, "sceau:weights.fingerprint.skipped", "why"),
            (weights, "sceau:weights.fingerprint", "U0NGUAEAAQAAAAAA"),
            (0, "sceau:weights.fingerprint", "U0NGUAEAAQAAAAAA"),
            (0, "sceau:weights.fingerprint.skipped", "why"),
        ] {
            assert!(
                matches!(with(i, name, value), Err(BomError::Component { .. })),
                "{name} on {i}"
            );
        }
        let mut b = bom.clone();
        for p in &mut b.components[weights].properties {
            if p.name == "sceau:weights.fingerprint" {
                p.value = "not base64!".into();
            }
        }
        assert!(Release::from_bom(&b).is_err());
        // A skip reason reads back as such.
        let mut r2 = r.clone();
        r2.artifacts[1].fingerprint = Some(WeightPrint::skipped("header: truncated"));
        let back = Release::from_bom(&r2.to_bom("2026-01-01T00:00:00Z")).unwrap();
        assert_eq!(back, r2);
    }

    #[test]
    fn refuses_other_spec_versions() {
        let mut bom = sample().to_bom("2026-01-01T00:00:00Z");
        bom.spec_version = "1.5".into();
        assert!(matches!(
            Release::from_bom(&bom),
            Err(BomError::NotCycloneDx(_))
        ));
    }
}
