//! Claims on the release's CycloneDX `modelCard` (spec/claims.md §4): CycloneDX fields where
//! they exist, `sceau:claims.*` properties for the rest. Read back exactly.
use serde_json::{json, Map, Value};

use super::BomError;
use crate::claims::{
    parse_licence, Claims, ComponentClaim, DatasetClaim, EnergyClaim, EvalClaim, MofClass,
    MofComponent, PersonalData, Provider,
};
use crate::relpath::RelPath;

/// Present (value `1`) on every model card that carries claims.
const MARK: &str = "sceau:claims";
/// Set when the release has claims but no model card front matter.
const NO_CARD: &str = "sceau:claims.no-card";
/// The disclosure claims (spec/claims.md §1.3), as one JSON object. The version is in the
/// name: a reader ignores a later version's property instead of misreading it.
const DISCLOSURE: &str = "sceau:claims.disclosure.v1";
/// `bom-ref` prefix of the datasets claims add to `modelParameters.datasets`.
const DATASET_REF: &str = "claims:dataset:";

fn prop(name: &str, value: impl Into<String>) -> Value {
    json!({"name": name, "value": value.into()})
}

fn obj(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

fn child<'a>(m: &'a mut Map<String, Value>, k: &str) -> &'a mut Map<String, Value> {
    obj(m
        .entry(k.to_owned())
        .or_insert_with(|| Value::Object(Map::new())))
}

fn array<'a>(m: &'a mut Map<String, Value>, k: &str) -> &'a mut Vec<Value> {
    let v = m
        .entry(k.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !v.is_array() {
        *v = Value::Array(Vec::new());
    }
    match v {
        Value::Array(a) => a,
        _ => unreachable!("just made an array"),
    }
}

/// True when a model card value only exists to carry claims (the release has no card).
pub(crate) fn card_absent(mc: &Value) -> bool {
    props(mc).iter().any(|(n, v)| n == NO_CARD && v == "true")
}

/// Writes `c` onto a release's model card (`mc`, created by the caller, possibly empty).
pub(crate) fn write(mc: &mut Value, c: &Claims, has_card: bool) {
    let m = obj(mc);
    let mut properties = vec![prop(MARK, "1")];
    if !has_card {
        properties.push(prop(NO_CARD, "true"));
    }

    if !c.datasets.is_empty() {
        let ds = array(child(m, "modelParameters"), "datasets");
        for (i, d) in c.datasets.iter().enumerate() {
            let mut contents = Map::new();
            if let Some(u) = &d.url {
                contents.insert("url".into(), u.clone().into());
            }
            let mut cp = Vec::new();
            if let Some(l) = &d.licence {
                cp.push(prop("sceau:claims.dataset.licence", l.label()));
            }
            cp.push(prop(
                "sceau:claims.dataset.included",
                if d.included { "true" } else { "false" },
            ));
            cp.push(prop("sceau:claims.dataset.purpose", d.purpose.as_str()));
            for p in &d.paths {
                cp.push(prop("sceau:claims.dataset.path", p.as_str()));
            }
            contents.insert("properties".into(), Value::Array(cp));
            let mut entry = Map::new();
            entry.insert("bom-ref".into(), format!("{DATASET_REF}{i}").into());
            entry.insert("type".into(), "dataset".into());
            entry.insert("name".into(), d.name.clone().into());
            entry.insert("contents".into(), Value::Object(contents));
            if let Some(desc) = &d.description {
                entry.insert("description".into(), desc.clone().into());
            }
            ds.push(Value::Object(entry));
        }
    }

    if !c.evaluation.is_empty() {
        let metrics = array(child(m, "quantitativeAnalysis"), "performanceMetrics");
        for e in &c.evaluation {
            metrics.push(json!({"type": e.metric, "value": e.value, "slice": e.dataset}));
        }
    }

    let has_considerations = !c.intended_use.is_empty()
        || !c.intended_users.is_empty()
        || !c.limitations.is_empty()
        || c.energy.is_some();
    if has_considerations {
        let cons = child(m, "considerations");
        for (k, v) in [
            ("useCases", &c.intended_use),
            ("users", &c.intended_users),
            ("technicalLimitations", &c.limitations),
        ] {
            if !v.is_empty() {
                cons.insert(k.into(), json!(v));
            }
        }
        if let Some(e) = &c.energy {
            let env = child(cons, "environmentalConsiderations");
            match e.kwh {
                Some(kwh) => {
                    let mut ec = json!({
                        "activity": e.activity,
                        "energyProviders": [{
                            "organization": {"name": "unknown"},
                            "energySource": e.source,
                            "energyProvided": {"value": kwh, "unit": "kWh"},
                        }],
                        "activityEnergyCost": {"value": kwh, "unit": "kWh"},
                    });
                    if let Some(t) = e.tco2eq {
                        ec["co2CostEquivalent"] = json!({"value": t, "unit": "tCO2eq"});
                    }
                    array(env, "energyConsumptions").push(ec);
                }
                None => {
                    let ps = array(env, "properties");
                    ps.push(prop("sceau:claims.energy.activity", e.activity.clone()));
                    ps.push(prop("sceau:claims.energy.source", e.source.clone()));
                    if let Some(t) = e.tco2eq {
                        ps.push(prop("sceau:claims.energy.tco2eq", t.to_string()));
                    }
                }
            }
        }
    }

    for u in &c.out_of_scope_use {
        properties.push(prop("sceau:claims.out_of_scope_use", u.clone()));
    }
    if let Some(p) = c.personal_data {
        properties.push(prop("sceau:claims.personal_data", p.as_str()));
    }
    if let Some(k) = c.openness_class {
        properties.push(prop("sceau:claims.openness_class", k.as_str()));
    }
    if let Some(o) = c.open_source {
        properties.push(prop("sceau:claims.open_source", o.to_string()));
    }
    for (id, cc) in &c.components {
        let base = format!("sceau:claims.component.{}", id.as_str());
        if let Some(l) = &cc.licence {
            properties.push(prop(&format!("{base}.licence"), l.label()));
        }
        for p in &cc.paths {
            properties.push(prop(&format!("{base}.path"), p.as_str()));
        }
        if let Some(u) = &cc.url {
            properties.push(prop(&format!("{base}.url"), u.clone()));
        }
        if cc.licence.is_none() && cc.paths.is_empty() && cc.url.is_none() {
            properties.push(prop(&format!("{base}.declared"), "true"));
        }
    }
    if !c.disclosure.is_empty() {
        // Serialising checked values to a string cannot fail; an empty object is never
        // written (is_empty above).
        if let Ok(text) = serde_json::to_string(&c.disclosure) {
            properties.push(prop(DISCLOSURE, text));
        }
    }
    array(m, "properties").extend(properties);
}

/// The CycloneDX `organizationalEntity` of a provider (spec/claims.md §4, spec/bom.md §2.6):
/// `name`, `url` (one element) when given, `contact` (one element with `email`) when given.
pub(crate) fn provider_entity(p: &Provider) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), p.name.clone().into());
    if let Some(u) = &p.url {
        m.insert("url".into(), json!([u]));
    }
    if let Some(e) = &p.email {
        m.insert("contact".into(), json!([{ "email": e }]));
    }
    Value::Object(m)
}

/// Reads a provider back from the `organizationalEntity` [`provider_entity`] wrote: `name`
/// is required, `url` is the first URL, `email` the first contact's e-mail.
pub(crate) fn read_provider(v: &Value) -> Result<Provider, BomError> {
    let name = v
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("supplier without a name".into()))?;
    let url = v
        .get("url")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str)
        .map(str::to_owned);
    let email = v
        .get("contact")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find_map(|c| c.get("email").and_then(Value::as_str))
        })
        .map(str::to_owned);
    Ok(Provider {
        name: name.to_owned(),
        url,
        email,
    })
}

fn props(v: &Value) -> Vec<(String, String)> {
    v.get("properties")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| {
                    Some((
                        p.get("name")?.as_str()?.to_owned(),
                        p.get("value")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn bad(reason: String) -> BomError {
    BomError::Component {
        name: "modelCard (claims)".into(),
        reason,
    }
}

fn licence(s: &str, what: &str) -> Result<crate::licence::Licence, BomError> {
    parse_licence(s).map_err(|e| bad(format!("{what}: {e}")))
}

fn path(s: &str, what: &str) -> Result<RelPath, BomError> {
    RelPath::new(s).map_err(|e| bad(format!("{what}: {e}")))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Reads the claims from a release's model card; `None` when it carries none.
pub(crate) fn read(mc: &Value) -> Result<Option<Claims>, BomError> {
    let ps = props(mc);
    if !ps.iter().any(|(n, v)| n == MARK && v == "1") {
        return Ok(None);
    }
    let mut c = Claims::default();
    for (n, v) in &ps {
        if let Some(rest) = n.strip_prefix("sceau:claims.component.") {
            let (id, field) = rest
                .rsplit_once('.')
                .ok_or_else(|| bad(format!("property {n:?}")))?;
            // Components and fields this version does not know are left out, so that a
            // record written by a later sceau still reads (spec/claims.md §4).
            let Ok(id) = id.parse::<MofComponent>() else {
                continue;
            };
            if !matches!(field, "licence" | "path" | "url" | "declared") {
                continue;
            }
            let cc: &mut ComponentClaim = c.components.entry(id).or_default();
            match field {
                "licence" => cc.licence = Some(licence(v, n)?),
                "path" => cc.paths.push(path(v, n)?),
                "url" => cc.url = Some(v.clone()),
                _ => {}
            }
            continue;
        }
        match n.as_str() {
            "sceau:claims.out_of_scope_use" => c.out_of_scope_use.push(v.clone()),
            "sceau:claims.personal_data" => {
                c.personal_data = Some(v.parse::<PersonalData>().map_err(|e| bad(e.to_string()))?)
            }
            "sceau:claims.openness_class" => {
                c.openness_class = Some(v.parse::<MofClass>().map_err(|e| bad(e.to_string()))?)
            }
            DISCLOSURE => {
                c.disclosure =
                    serde_json::from_str(v).map_err(|e| bad(format!("{DISCLOSURE}: {e}")))?;
            }
            "sceau:claims.open_source" => {
                c.open_source = Some(match v.as_str() {
                    "true" => true,
                    "false" => false,
                    other => return Err(bad(format!("open_source {other:?}"))),
                })
            }
            _ => {}
        }
    }

    if let Some(ds) = mc
        .pointer("/modelParameters/datasets")
        .and_then(Value::as_array)
    {
        for d in ds {
            let is_claim = d
                .get("bom-ref")
                .and_then(Value::as_str)
                .is_some_and(|r| r.starts_with(DATASET_REF));
            if !is_claim {
                continue;
            }
            let name = d
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("claimed dataset without a name".into()))?;
            let mut dc = DatasetClaim::named(name);
            dc.url = d
                .pointer("/contents/url")
                .and_then(Value::as_str)
                .map(str::to_owned);
            dc.description = d
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let cps = d.get("contents").map(props).unwrap_or_default();
            for (n, v) in &cps {
                match n.as_str() {
                    "sceau:claims.dataset.licence" => dc.licence = Some(licence(v, n)?),
                    "sceau:claims.dataset.included" => dc.included = v == "true",
                    "sceau:claims.dataset.purpose" => {
                        dc.purpose = v
                            .parse()
                            .map_err(|e: crate::UnknownValue| bad(e.to_string()))?
                    }
                    "sceau:claims.dataset.path" => dc.paths.push(path(v, n)?),
                    _ => {}
                }
            }
            c.datasets.push(dc);
        }
    }

    let card_results = ps
        .iter()
        .filter(|(n, _)| n == "sceau:card.eval.task")
        .count();
    if let Some(ms) = mc
        .pointer("/quantitativeAnalysis/performanceMetrics")
        .and_then(Value::as_array)
    {
        for m in ms.iter().skip(card_results) {
            let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            c.evaluation.push(EvalClaim {
                metric: s("type"),
                value: s("value"),
                dataset: s("slice"),
            });
        }
    }

    if let Some(cons) = mc.get("considerations") {
        c.intended_use = strings(cons.get("useCases"));
        c.intended_users = strings(cons.get("users"));
        c.limitations = strings(cons.get("technicalLimitations"));
        if let Some(env) = cons.get("environmentalConsiderations") {
            if let Some(ec) = env
                .get("energyConsumptions")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
            {
                let s = |p: &str| {
                    ec.pointer(p)
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned()
                };
                c.energy = Some(EnergyClaim {
                    activity: s("/activity"),
                    source: s("/energyProviders/0/energySource"),
                    kwh: ec
                        .pointer("/activityEnergyCost/value")
                        .and_then(Value::as_f64),
                    tco2eq: ec
                        .pointer("/co2CostEquivalent/value")
                        .and_then(Value::as_f64),
                });
            } else {
                let eps = props(env);
                let get = |k: &str| eps.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
                if let Some(activity) = get("sceau:claims.energy.activity") {
                    c.energy = Some(EnergyClaim {
                        activity,
                        source: get("sceau:claims.energy.source").unwrap_or_default(),
                        kwh: None,
                        tco2eq: get("sceau:claims.energy.tco2eq").and_then(|t| t.parse().ok()),
                    });
                }
            }
        }
    }
    Ok(Some(c))
}
