//! Assembling the document of a release (spec/spdx.md §3): the elements, then the
//! relationships between them, then the `SpdxDocument` that lists them all.
use std::collections::BTreeMap;

use sceau_core::claims::{Claims, DatasetPurpose, MofComponent, PathIndex, PersonalData};
use sceau_core::{Licence, Release, Sha256Digest};
use serde_json::{json, Map, Value};

use crate::elements;
use crate::ids::Ids;
use crate::licence::expression;
use crate::verified::VerifiedRecord;

/// Collects elements and relationships, naming each with [`Ids`].
struct Graph {
    ids: Ids,
    elements: Vec<Value>,
    relationships: Vec<Value>,
    /// Licence element id by expression, so that each expression is one element.
    licences: BTreeMap<String, String>,
}

impl Graph {
    fn licence(&mut self, l: &Licence) -> String {
        let e = expression(l);
        if let Some(id) = self.licences.get(&e.expression) {
            return id.clone();
        }
        let id = self.ids.of("licence", &e.expression);
        self.elements.push(elements::licence_expression(&id, &e));
        self.licences.insert(e.expression.clone(), id.clone());
        id
    }

    fn relate(&mut self, type_: &str, from: &str, to: Vec<String>, comment: Option<String>) {
        if to.is_empty() {
            return;
        }
        let key = format!("{type_}\u{0}{from}\u{0}{}", to.join("\u{0}"));
        let id = self.ids.of("relationship", &key);
        self.relationships
            .push(elements::relationship(&id, type_, from, to, comment));
    }
}

/// The model's `ai_AIPackage` (spec/spdx.md §3.2).
fn ai_package(
    release: &Release,
    claims: &Claims,
    created: &str,
    id: &str,
    provider: Option<&str>,
) -> Value {
    let mut m = elements::element("ai_AIPackage", id, Some(&release.name));
    m.insert(
        "software_packageVersion".into(),
        release.version.clone().into(),
    );
    m.insert("releaseTime".into(), created.into());
    m.insert("software_primaryPurpose".into(), "model".into());
    if let Some(p) = provider {
        m.insert("suppliedBy".into(), p.into());
        m.insert("originatedBy".into(), json!([p]));
    }
    if let Some(u) = claims
        .component(MofComponent::ModelParameters)
        .and_then(|c| c.url.as_ref())
    {
        m.insert("software_downloadLocation".into(), u.clone().into());
    }
    if let Some(task) = release.card.as_ref().and_then(|c| c.pipeline_tag.as_ref()) {
        m.insert("ai_domain".into(), json!([task]));
    }
    let mut types: Vec<&str> = release
        .artifacts
        .iter()
        .filter_map(|a| a.weights.as_ref()?.architecture.as_deref())
        .collect();
    types.sort_unstable();
    types.dedup();
    if !types.is_empty() {
        m.insert("ai_typeOfModel".into(), json!(types));
    }
    let mut application = Vec::new();
    if !claims.intended_use.is_empty() {
        application.push(format!("Intended uses: {}", claims.intended_use.join("; ")));
    }
    if !claims.intended_users.is_empty() {
        application.push(format!(
            "Intended users: {}",
            claims.intended_users.join("; ")
        ));
    }
    if !claims.out_of_scope_use.is_empty() {
        application.push(format!(
            "Out-of-scope uses: {}",
            claims.out_of_scope_use.join("; ")
        ));
    }
    if !application.is_empty() {
        m.insert(
            "ai_informationAboutApplication".into(),
            application.join("\n").into(),
        );
    }
    if !claims.limitations.is_empty() {
        m.insert("ai_limitation".into(), claims.limitations.join("\n").into());
    }
    if !claims.evaluation.is_empty() {
        let metrics: Vec<Value> = claims
            .evaluation
            .iter()
            .map(|e| {
                json!({
                    "type": "DictionaryEntry",
                    "key": format!("{} on {}", e.metric, e.dataset),
                    "value": e.value,
                })
            })
            .collect();
        m.insert("ai_metric".into(), Value::Array(metrics));
    }
    if let Some(e) = &claims.energy {
        let property = match e.activity.as_str() {
            "training" => Some("ai_trainingEnergyConsumption"),
            "fine-tuning" => Some("ai_finetuningEnergyConsumption"),
            "inference" => Some("ai_inferenceEnergyConsumption"),
            _ => None,
        };
        if let (Some(prop), Some(kwh)) = (property, e.kwh.filter(|k| k.is_finite())) {
            let mut ec = Map::new();
            ec.insert("type".into(), "ai_EnergyConsumption".into());
            // The decimal as a string: a JSON number would be expanded by JSON-LD to the
            // canonical double form (1.25E1), which is not a valid xsd:decimal.
            ec.insert(
                prop.into(),
                json!([{
                    "type": "ai_EnergyConsumptionDescription",
                    "ai_energyQuantity": kwh.to_string(),
                    "ai_energyUnit": "kilowattHour",
                }]),
            );
            m.insert("ai_energyConsumption".into(), Value::Object(ec));
        }
    }
    if let Some(p) = claims.personal_data {
        let v = match p {
            PersonalData::Yes => "yes",
            PersonalData::No => "no",
            PersonalData::Unknown => "noAssertion",
        };
        m.insert("ai_useSensitivePersonalInformation".into(), v.into());
    }
    Value::Object(m)
}

/// The model's record id and its verification (spec/spdx.md §7.1): an `other` external
/// identifier `sha256:<record id>`, and the signers in the `comment`.
fn record_facts(m: &mut Map<String, Value>, v: &VerifiedRecord) {
    m.insert(
        "externalIdentifier".into(),
        json!([{
            "type": "ExternalIdentifier",
            "externalIdentifierType": "other",
            "identifier": format!("sha256:{}", v.record),
            "comment": "SHA-256 of the payload of this release's signed sceau record, its record id (spec/lineage.md §1.1)",
        }]),
    );
    let signers = if v.signers.is_empty() {
        String::new()
    } else {
        format!(", signed by {}", v.signers.join(", "))
    };
    m.insert(
        "comment".into(),
        format!("record verified by sceau{signers}").into(),
    );
}

/// The document of `release` created at `created` (already checked); for an export of a
/// verified record, with what its verification found (spec/spdx.md §7).
pub fn build(release: &Release, created: &str, verified: Option<&VerifiedRecord>) -> Value {
    let claims = Claims::effective(release);
    let mut g = Graph {
        ids: Ids::new(release),
        elements: Vec::new(),
        relationships: Vec::new(),
        licences: BTreeMap::new(),
    };
    let doc_id = g.ids.of("document", "");
    let agent = g.ids.of("agent", "sceau");
    let tool = g.ids.of("tool", "sceau");
    g.elements.push(elements::software_agent(&agent));
    g.elements.push(elements::tool(&tool));
    let provider = claims.provider.as_ref().map(|p| {
        let id = g.ids.of("provider", &p.name);
        g.elements.push(elements::organization(&id, p));
        id
    });

    let model = g.ids.of("model", "");
    let release_time = verified
        .and_then(|v| v.signed_at.as_deref())
        .filter(|t| crate::is_spdx_datetime(t))
        .unwrap_or(created);
    let mut model_element = ai_package(release, &claims, release_time, &model, provider.as_deref());
    if let (Some(v), Some(m)) = (verified, model_element.as_object_mut()) {
        record_facts(m, v);
    }
    g.elements.push(model_element);

    // Files, with their licences.
    let mut file_ids = Vec::with_capacity(release.artifacts.len());
    for a in &release.artifacts {
        let id = g.ids.of("file", a.path.as_str());
        g.elements.push(elements::file(&id, a));
        file_ids.push(id);
    }
    g.relate("contains", &model, file_ids.clone(), None);
    if let Some(l) = &release.licence {
        let lid = g.licence(l);
        g.relate("hasDeclaredLicense", &model, vec![lid], None);
    }
    for (a, id) in release.artifacts.iter().zip(&file_ids) {
        if let Some(l) = &a.licence {
            let lid = g.licence(l);
            g.relate("hasDeclaredLicense", id, vec![lid], None);
        }
        if let Some(d) = &a.detected_licence {
            let lid = g.licence(&Licence::Spdx {
                expression: d.spdx_id.clone(),
            });
            g.relate(
                "hasConcludedLicense",
                id,
                vec![lid],
                Some(format!(
                    "the file's text matches this licence (score {:.3})",
                    d.confidence
                )),
            );
        }
    }

    // Datasets: their files in the release (when included), their licences, and what the
    // model did with them.
    let index = PathIndex::new(
        claims
            .datasets
            .iter()
            .enumerate()
            .filter(|(_, d)| d.included)
            .flat_map(|(i, d)| d.paths.iter().map(move |p| (p.as_str(), i))),
    );
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); claims.datasets.len()];
    for (ai, a) in release.artifacts.iter().enumerate() {
        for di in index.owners(a.path.as_str()) {
            if let Some(m) = members.get_mut(di) {
                m.push(ai);
            }
        }
    }
    let mut trained = Vec::new();
    let mut tested = Vec::new();
    for (d, files) in claims.datasets.iter().zip(&members) {
        let id = g.ids.of("dataset", &d.name);
        let bytes = d.included.then(|| {
            files
                .iter()
                .map(|&i| release.artifacts[i].size)
                .fold(0u64, u64::saturating_add)
        });
        g.elements.push(elements::dataset(&id, d, bytes));
        g.relate(
            "contains",
            &id,
            files.iter().map(|&i| file_ids[i].clone()).collect(),
            None,
        );
        if let Some(l) = &d.licence {
            let lid = g.licence(l);
            g.relate("hasDeclaredLicense", &id, vec![lid], None);
        }
        match d.purpose {
            DatasetPurpose::Training => trained.push(id),
            DatasetPurpose::Evaluation => tested.push(id),
        }
    }
    g.relate("trainedOn", &model, trained, None);
    g.relate("testedOn", &model, tested, None);

    // Lineage: the parents the release declares, then, for an export of a verified record,
    // the parents each verified ancestor declares (spec/spdx.md §7.2).
    let status =
        |d: &Sha256Digest| verified.and_then(|v| v.ancestors.iter().find(|a| a.record == *d));
    let mut packages: BTreeMap<Sha256Digest, String> = BTreeMap::new();
    let mut package = |g: &mut Graph, d: Sha256Digest, name: &str, version: &str| {
        if let Some(id) = packages.get(&d) {
            return id.clone();
        }
        let id = g.ids.of("parent", &d.to_hex());
        let comment = verified.map(|_| match status(&d) {
            Some(a) => a.status.comment(),
            None => "record NOT verified by sceau: not reached".to_owned(),
        });
        g.elements.push(elements::parent_package(
            &id,
            &d,
            name,
            version,
            comment.as_deref(),
        ));
        packages.insert(d, id.clone());
        id
    };
    for p in &release.parents {
        let id = package(&mut g, p.record, &p.name, &p.version);
        g.relate(
            "descendantOf",
            &model,
            vec![id],
            Some(format!("sceau relation: {}", p.relation)),
        );
    }
    if let Some(v) = verified {
        for l in &v.links {
            let child_verified =
                l.child != v.record && status(&l.child).is_some_and(|a| a.status.is_verified());
            if !child_verified {
                continue;
            }
            let (Some(c), Some(p)) = (status(&l.child), status(&l.parent)) else {
                continue;
            };
            let from = package(&mut g, c.record, &c.name, &c.version);
            let to = package(&mut g, p.record, &p.name, &p.version);
            g.relate(
                "descendantOf",
                &from,
                vec![to],
                Some(format!("sceau relation: {}", l.relation)),
            );
        }
    }

    let Graph {
        elements: mut all,
        relationships,
        ..
    } = g;
    all.extend(relationships);
    let listed: Vec<Value> = all
        .iter()
        .filter_map(|e| e.get("spdxId").cloned())
        .collect();
    let mut doc = elements::element(
        "SpdxDocument",
        &doc_id,
        Some(&format!("{} {}", release.name, release.version)),
    );
    doc.insert("profileConformance".into(), json!(crate::PROFILES));
    doc.insert("rootElement".into(), json!([model]));
    doc.insert("element".into(), Value::Array(listed));

    let mut graph = Vec::with_capacity(all.len() + 2);
    graph.push(elements::creation_info(created, &agent, &tool));
    graph.push(Value::Object(doc));
    graph.extend(all);
    json!({
        "@context": crate::CONTEXT,
        "@graph": graph,
    })
}
