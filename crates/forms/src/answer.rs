//! The routines that answer the fields (spec/forms.md §4), named by the data files' `answer`
//! keys. Each returns the answer with its source: `verified` when derived from signed
//! artifacts, `declared` when read from signed claims, `missing` otherwise. A routine never
//! makes up an answer: what it cannot derive or read is missing.
use sceau_core::claims::disclosure::PolicyLink;
use sceau_core::claims::values::Modality;
use sceau_core::claims::DatasetPurpose;
use sceau_core::{ArtifactKind, Release};
use serde_json::Value;

use crate::catalogue::{FieldDef, FieldList, Recipient};
use crate::evidence::{lookup, Evidence, Parents, CONFIG_PATH};
use crate::form::{Entry, RecordStatus, Source};
use crate::numbers::{order_of_magnitude, quantity, thousands, two_significant};

/// Every answer routine, by name.
const ANSWERS: &[&str] = &[
    "claim",
    "source-use",
    "provider",
    "provider-name",
    "representative",
    "model-name",
    "dependencies",
    "authenticity",
    "data-modalities",
    "data-size",
    "content-types",
    "latest-acquisition",
    "languages",
    "public-data",
    "private-data",
    "crawled",
    "crawlers",
    "crawl-period",
    "top-domains",
    "user-data",
    "synthetic",
    "tdm",
    "architecture",
    "inputs",
    "outputs",
    "model-size",
    "parameter-range",
    "licence",
    "acceptable-use",
    "intended-uses",
    "software",
    "provenance",
    "flops",
    "energy",
];

/// Whether `name` is an answer routine.
pub fn known(name: &str) -> bool {
    ANSWERS.contains(&name)
}

/// Whether the routine reads the field's `path` (the generic ones).
pub fn needs_path(name: &str) -> bool {
    matches!(name, "claim" | "source-use")
}

/// An answer and where it comes from.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    pub source: Option<Source>,
    pub text: Option<String>,
    pub entries: Vec<Entry>,
    pub origin: Option<String>,
    pub note: Option<String>,
}

impl Answer {
    fn new(source: Source, text: impl Into<String>, origin: impl Into<String>) -> Answer {
        Answer {
            source: Some(source),
            text: Some(text.into()),
            origin: Some(origin.into()),
            ..Answer::default()
        }
    }

    fn verified(text: impl Into<String>, origin: impl Into<String>) -> Answer {
        Answer::new(Source::Verified, text, origin)
    }

    fn declared(text: impl Into<String>, origin: impl Into<String>) -> Answer {
        Answer::new(Source::Declared, text, origin)
    }

    fn list(source: Source, entries: Vec<Entry>, origin: impl Into<String>) -> Answer {
        Answer {
            source: Some(source),
            entries,
            origin: Some(origin.into()),
            ..Answer::default()
        }
    }

    fn missing() -> Answer {
        Answer {
            source: Some(Source::Missing),
            ..Answer::default()
        }
    }

    fn missing_because(note: impl Into<String>) -> Answer {
        Answer {
            note: Some(note.into()),
            ..Answer::missing()
        }
    }

    fn note(mut self, note: impl Into<String>) -> Answer {
        self.note = Some(note.into());
        self
    }

    fn entries(mut self, entries: Vec<Entry>) -> Answer {
        self.entries = entries;
        self
    }

    /// The source (missing when none was set).
    pub fn source(&self) -> Source {
        self.source.unwrap_or(Source::Missing)
    }
}

/// What the routines read besides the evidence.
pub(crate) struct Ctx<'a> {
    pub ev: &'a Evidence,
    pub list: &'a FieldList,
    pub recipient: Option<Recipient>,
}

/// Answers `field`.
pub(crate) fn answer(cx: &Ctx<'_>, field: &FieldDef) -> Answer {
    let ev = cx.ev;
    let path = field.path.as_deref().unwrap_or("");
    let a = by_routine(cx, field, path);
    // Nothing is proven by a record whose signatures were not checked (spec/forms.md §2):
    // what it would prove is only what it says.
    if a.source == Some(Source::Verified) && !matches!(ev.status, RecordStatus::Verified { .. }) {
        let why = "the record is not verified: this is what it says";
        let note = match &a.note {
            Some(n) => format!("{why}; {n}"),
            None => why.to_owned(),
        };
        return Answer {
            source: Some(Source::Declared),
            note: Some(note),
            ..a
        };
    }
    a
}

/// The answer of the routine the field names.
fn by_routine(cx: &Ctx<'_>, field: &FieldDef, path: &str) -> Answer {
    let ev = cx.ev;
    match field.answer.as_str() {
        "claim" => claim(ev, path),
        "source-use" => source_use(ev, path),
        "provider" => provider(ev, true),
        "provider-name" => provider(ev, false),
        "representative" => representative(ev),
        "model-name" => Answer::verified(
            format!("{} {}", ev.release.name, ev.release.version),
            "the record's release name and version",
        ),
        "dependencies" => dependencies(ev),
        "authenticity" => authenticity(ev),
        "data-modalities" => data_modalities(ev),
        "data-size" => data_size(cx),
        "content-types" => content_types(ev),
        "latest-acquisition" => latest_acquisition(ev),
        "languages" => languages(ev),
        "public-data" => public_data(ev),
        "private-data" => private_data(ev),
        "crawled" => crawled(ev),
        "crawlers" => crawlers(ev),
        "crawl-period" => crawl_period(ev),
        "top-domains" => top_domains(ev),
        "user-data" => user_data(ev),
        "synthetic" => synthetic(ev),
        "tdm" => tdm(ev),
        "architecture" => architecture(ev),
        "inputs" => io(ev, true),
        "outputs" => io(ev, false),
        "model-size" => model_size(ev),
        "parameter-range" => parameter_range(cx),
        "licence" => licence(ev),
        "acceptable-use" => acceptable_use(ev),
        "intended-uses" => intended_uses(ev),
        "software" => software(ev),
        "provenance" => provenance(ev),
        "flops" => flops(cx),
        "energy" => energy(ev),
        _ => Answer::missing_because(format!("no routine answers {}", field.answer)),
    }
}

// ---- Helpers ------------------------------------------------------------------------------------

fn origin(key: &str) -> String {
    format!("claims {key}")
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(yes_no(*b).to_owned()),
        Value::Number(n) => n.as_f64().map(quantity),
        _ => None,
    }
}

/// The generic answer: the value at `path`, a list as entries.
fn claim(ev: &Evidence, path: &str) -> Answer {
    match lookup(&ev.view, path) {
        Some(Value::Array(a)) if !a.is_empty() => Answer::list(
            Source::Declared,
            a.iter().filter_map(text_of).map(Entry::text).collect(),
            origin(path),
        ),
        Some(v) => match text_of(v) {
            Some(t) => Answer::declared(t, origin(path)),
            None => Answer::missing(),
        },
        None => Answer::missing(),
    }
}

fn str_at<'a>(ev: &'a Evidence, key: &str) -> Option<&'a str> {
    lookup(&ev.view, key).and_then(Value::as_str)
}

/// A `{used, description}` table.
fn source_use(ev: &Evidence, path: &str) -> Answer {
    let Some(used) = lookup(&ev.view, &format!("{path}.used")).and_then(Value::as_bool) else {
        return Answer::missing();
    };
    let desc = str_at(ev, &format!("{path}.description"));
    let text = match (used, desc) {
        (true, Some(d)) => format!("Yes. {d}"),
        (true, None) => "Yes.".to_owned(),
        (false, Some(d)) => format!("No. {d}"),
        (false, None) => "No.".to_owned(),
    };
    Answer::declared(text, origin(path))
}

fn td(ev: &Evidence) -> Option<&sceau_core::claims::disclosure::TrainingData> {
    ev.claims.disclosure.training_data.as_ref()
}

// ---- Identity ---------------------------------------------------------------------------------

fn provider(ev: &Evidence, contact: bool) -> Answer {
    let Some(p) = &ev.claims.provider else {
        return Answer::missing();
    };
    if !contact {
        return Answer::declared(p.name.clone(), "claims provider.name");
    }
    let ways: Vec<&str> = [p.url.as_deref(), p.email.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    Answer::declared(
        format!("{} ({})", p.name, ways.join("; ")),
        "claims provider",
    )
}

fn representative(ev: &Evidence) -> Answer {
    let Some(r) = &ev.claims.disclosure.representative else {
        return Answer::missing();
    };
    if let Some(why) = &r.not_applicable {
        return Answer::declared(format!("Not applicable: {why}"), "claims representative");
    }
    let ways: Vec<&str> = [
        r.url.as_ref().map(|u| u.as_str()),
        r.email.as_ref().map(|e| e.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let name = r.name.as_ref().map(|n| n.as_str()).unwrap_or("");
    Answer::declared(
        format!("{name} ({})", ways.join("; ")),
        "claims representative",
    )
}

fn short(d: &sceau_core::Sha256Digest) -> String {
    let mut h = d.to_hex();
    h.truncate(12);
    h
}

fn dependencies(ev: &Evidence) -> Answer {
    let r = &ev.release;
    if r.parents.is_empty() {
        let a = Answer::new(
            source_of_record(ev),
            "None (N/A): the record names no base model.",
            "the record's parents",
        );
        return a;
    }
    let declared_entries = || -> Vec<Entry> {
        r.parents
            .iter()
            .map(|p| {
                Entry::text(format!(
                    "{} {} ({}), record sha256:{}",
                    p.name, p.version, p.relation, p.record
                ))
            })
            .collect()
    };
    match &ev.parents {
        Parents::Unchecked => {
            Answer::list(Source::Declared, declared_entries(), "the record's parents")
                .note("the record is not verified: its base models are what it says")
        }
        Parents::NotWalked => Answer::list(
            Source::Declared,
            declared_entries(),
            "the record's parents (lineage not walked)",
        )
        .note("the base models' own records were not verified and their summaries not linked: pass --store or --with"),
        Parents::Walked { parents, .. } => {
            let mut all_verified = true;
            let mut unlinked = Vec::new();
            let entries = parents
                .iter()
                .map(|p| {
                    let mut text = format!(
                        "{} {} ({}), record sha256:{}",
                        p.name, p.version, p.relation, p.digest
                    );
                    if let Some(why) = &p.unverified {
                        all_verified = false;
                        text.push_str(&format!(": NOT VERIFIED, {why}"));
                    } else if p.summary.is_none() {
                        unlinked.push(format!("{} (sha256:{})", p.name, short(&p.digest)));
                    }
                    match &p.summary {
                        Some(l) => Entry::linked(
                            format!("{text}; its public summary of training content"),
                            l.clone(),
                        ),
                        None => Entry::text(text),
                    }
                })
                .collect();
            let mut a = if all_verified {
                Answer::list(Source::Verified, entries, "the verified lineage")
            } else {
                Answer::list(Source::Declared, entries, "the record's parents")
                    .note("some base models did not verify: they are what the record says")
            };
            if all_verified && !unlinked.is_empty() {
                a = a.note(format!(
                    "no summary link in the verified record of {} (its documentation.training_summary claim)",
                    unlinked.join(", ")
                ));
            }
            a
        }
    }
}

/// What the record itself shows is verified when it verified, and otherwise what it says.
fn source_of_record(ev: &Evidence) -> Source {
    match ev.status {
        crate::form::RecordStatus::Verified { .. } => Source::Verified,
        crate::form::RecordStatus::NotVerified => Source::Declared,
    }
}

fn authenticity(ev: &Evidence) -> Answer {
    let mut entries = vec![Entry::text(format!(
        "release record sha256:{} (the SHA-256 of its signed payload)",
        ev.record_id
    ))];
    let weights: Vec<_> = ev
        .release
        .artifacts
        .iter()
        .filter(|a| a.kind == ArtifactKind::Weights)
        .collect();
    for w in &weights {
        entries.push(Entry::text(format!(
            "{} sha256:{}",
            w.path.as_str(),
            w.sha256
        )));
    }
    let mut a = Answer::list(
        source_of_record(ev),
        entries,
        "the record's identity and the weight files' digests",
    );
    if weights.is_empty() {
        a = a.note("the record lists no weight file");
    }
    a
}

// ---- Training data ------------------------------------------------------------------------------

/// The training data's modalities: the declared tables, else the model's inputs as its
/// signed configuration shows them.
fn modalities(ev: &Evidence) -> Option<(Vec<Modality>, Source)> {
    if let Some(t) = td(ev) {
        let m = t.modalities();
        if !m.is_empty() {
            return Some((m, Source::Declared));
        }
    }
    let c = ev.config.as_ref()?;
    if c.inputs.is_empty() {
        return None;
    }
    Some((c.inputs.iter().map(|(m, _)| *m).collect(), Source::Verified))
}

fn names(m: &[Modality]) -> String {
    m.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ")
}

fn data_modalities(ev: &Evidence) -> Answer {
    match modalities(ev) {
        Some((m, Source::Declared)) => {
            Answer::declared(names(&m), "claims training_data (one table per modality)")
        }
        Some((m, _)) => Answer::verified(
            names(&m),
            format!("the model's inputs, from the signed {CONFIG_PATH}"),
        )
        .note("the modalities the model takes; declare a [training_data.<modality>] table for each modality of the training data"),
        None => Answer::missing(),
    }
}

fn size_key(m: Modality) -> &'static str {
    match m {
        Modality::Text => "training_data.text.tokens",
        Modality::Image => "training_data.image.images",
        Modality::Audio => "training_data.audio.hours",
        Modality::Video => "training_data.video.hours",
        Modality::Other => "training_data.other.size",
    }
}

fn data_size(cx: &Ctx<'_>) -> Answer {
    let ev = cx.ev;
    let Some((mods, _)) = modalities(ev) else {
        return Answer::missing();
    };
    let mut entries = Vec::new();
    let mut absent = Vec::new();
    for m in &mods {
        let key = size_key(*m);
        let got = lookup(&ev.view, key);
        let line = match (m, got) {
            (Modality::Other, Some(Value::String(s))) => Some(s.clone()),
            (_, Some(v)) => v
                .as_f64()
                .and_then(|x| cx.list.bins(m.as_str()).map(|b| b.label(x).to_owned())),
            (_, None) => None,
        };
        match line {
            Some(l) => entries.push(Entry::text(format!("{m}: {l}"))),
            None => absent.push(key),
        }
    }
    if absent.is_empty() {
        Answer::list(
            Source::Declared,
            entries,
            "claims training_data sizes, put in the template's ranges",
        )
    } else {
        Answer::missing_because(format!("not declared: {}", absent.join(", "))).entries(entries)
    }
}

fn content_types(ev: &Evidence) -> Answer {
    let Some((mods, _)) = modalities(ev) else {
        return Answer::missing();
    };
    let mut entries = Vec::new();
    let mut absent = Vec::new();
    for m in &mods {
        let key = format!("training_data.{m}.content");
        match str_at(ev, &key) {
            Some(c) => entries.push(Entry::text(format!("{m}: {c}"))),
            None => absent.push(key),
        }
    }
    if absent.is_empty() {
        Answer::list(
            Source::Declared,
            entries,
            "claims training_data.<modality>.content",
        )
    } else {
        Answer::missing_because(format!("not declared: {}", absent.join(", "))).entries(entries)
    }
}

fn latest_acquisition(ev: &Evidence) -> Answer {
    let Some(t) = td(ev) else {
        return Answer::missing();
    };
    let Some(m) = t.latest_acquisition else {
        return Answer::missing();
    };
    let mut text = m.slashed();
    match t.collection_ongoing {
        Some(true) => text.push_str("; collection continues"),
        Some(false) => text.push_str("; collection has ended"),
        None => {}
    }
    let a = Answer::declared(text, "claims training_data.latest_acquisition");
    if t.collection_ongoing.is_none() {
        a.note("whether collection continues is not declared (training_data.collection_ongoing)")
    } else {
        a
    }
}

fn languages(ev: &Evidence) -> Answer {
    if let Some(l) = td(ev).and_then(|t| t.languages.as_ref()) {
        return Answer::declared(l.as_str(), "claims training_data.languages");
    }
    match ev.release.card.as_ref().filter(|c| !c.language.is_empty()) {
        Some(c) => Answer::declared(c.language.join(", "), "model card language"),
        None => Answer::missing(),
    }
}

fn public_data(ev: &Evidence) -> Answer {
    if let Some(p) = td(ev).and_then(|t| t.public.as_ref()) {
        let text = match (&p.used, &p.description) {
            (true, Some(d)) => format!("Yes. {d}"),
            (true, None) => "Yes.".to_owned(),
            (false, Some(d)) => format!("No. {d}"),
            (false, None) => "No.".to_owned(),
        };
        return Answer::declared(text, "claims training_data.public")
            .entries(p.large.iter().map(|n| Entry::text(n.as_str())).collect());
    }
    // The datasets the record names (claims or card), as a declared fallback.
    let named: Vec<Entry> = ev
        .claims
        .datasets
        .iter()
        .filter(|d| d.purpose == DatasetPurpose::Training)
        .map(|d| match &d.url {
            Some(u) => Entry::linked(d.name.clone(), u.clone()),
            None => Entry::text(d.name.clone()),
        })
        .collect();
    if named.is_empty() {
        return Answer::missing();
    }
    Answer::declared(
        "Datasets the record names as training data:",
        "claims datasets and model card datasets",
    )
    .entries(named)
    .note("whether each is publicly available and large enough to list is for the provider to confirm (training_data.public)")
}

fn private_data(ev: &Evidence) -> Answer {
    let Some(p) = td(ev).and_then(|t| t.private.as_ref()) else {
        return Answer::missing();
    };
    let text = match (&p.used, &p.description) {
        (true, Some(d)) => format!("Yes. {d}"),
        (true, None) => "Yes.".to_owned(),
        (false, Some(d)) => format!("No. {d}"),
        (false, None) => "No.".to_owned(),
    };
    Answer::declared(text, "claims training_data.private")
        .entries(p.known.iter().map(|n| Entry::text(n.as_str())).collect())
}

fn crawled_table(ev: &Evidence) -> Option<&sceau_core::claims::disclosure::Crawled> {
    td(ev).and_then(|t| t.crawled.as_ref())
}

const NO_CRAWL: &str = "Not applicable: no data was crawled or scraped.";

fn crawled(ev: &Evidence) -> Answer {
    let Some(c) = crawled_table(ev) else {
        return Answer::missing();
    };
    match (&c.used, &c.content) {
        (true, Some(t)) => Answer::declared(format!("Yes. {t}"), "claims training_data.crawled"),
        _ => Answer::declared("No.", "claims training_data.crawled.used"),
    }
}

fn crawlers(ev: &Evidence) -> Answer {
    let Some(c) = crawled_table(ev) else {
        return Answer::missing();
    };
    if !c.used {
        return Answer::declared(NO_CRAWL, "claims training_data.crawled.used");
    }
    if c.crawlers.is_empty() {
        return Answer::missing();
    }
    Answer::list(
        Source::Declared,
        c.crawlers
            .iter()
            .map(|k| {
                Entry::text(format!(
                    "{}: {} Behaviour: {}",
                    k.name, k.purpose, k.behaviour
                ))
            })
            .collect(),
        "claims training_data.crawled.crawlers",
    )
}

fn crawl_period(ev: &Evidence) -> Answer {
    let Some(c) = crawled_table(ev) else {
        return Answer::missing();
    };
    if !c.used {
        return Answer::declared(NO_CRAWL, "claims training_data.crawled.used");
    }
    match (c.from, c.to) {
        (Some(f), Some(t)) => Answer::declared(
            format!("{} to {}", f.slashed(), t.slashed()),
            "claims training_data.crawled.from and .to",
        ),
        (f, t) => Answer::missing_because(format!(
            "not declared: {}",
            [
                f.is_none().then_some("training_data.crawled.from"),
                t.is_none().then_some("training_data.crawled.to"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
        )),
    }
}

fn top_domains(ev: &Evidence) -> Answer {
    let Some(c) = crawled_table(ev) else {
        return Answer::missing();
    };
    if !c.used {
        return Answer::declared(NO_CRAWL, "claims training_data.crawled.used");
    }
    if c.top_domains.is_empty() {
        return Answer::missing();
    }
    let entries = c
        .top_domains
        .iter()
        .map(|d| Entry::text(d.as_str()))
        .collect();
    match &c.top_domains_basis {
        Some(b) => Answer::declared(b.as_str(), "claims training_data.crawled.top_domains")
            .entries(entries),
        None => Answer::list(
            Source::Declared,
            entries,
            "claims training_data.crawled.top_domains",
        )
        .note("what the list covers is not declared (training_data.crawled.top_domains_basis)"),
    }
}

fn user_data(ev: &Evidence) -> Answer {
    let Some(u) = td(ev).and_then(|t| t.user.as_ref()) else {
        return Answer::missing();
    };
    let mut text = format!(
        "From users' interactions with the model: {}. From the provider's other services or products: {}.",
        yes_no(u.interactions),
        yes_no(u.services)
    );
    if let Some(d) = &u.description {
        text.push(' ');
        text.push_str(d.as_str());
    }
    Answer::declared(text, "claims training_data.user")
}

fn synthetic(ev: &Evidence) -> Answer {
    let Some(s) = td(ev).and_then(|t| t.synthetic.as_ref()) else {
        return Answer::missing();
    };
    let text = match (&s.used, &s.description) {
        (true, Some(d)) => format!("Yes. {d}"),
        (true, None) => "Yes.".to_owned(),
        (false, Some(d)) => format!("No. {d}"),
        (false, None) => "No.".to_owned(),
    };
    let entries = s
        .models
        .iter()
        .map(|m| match &m.summary {
            Some(l) => Entry::linked(m.name.as_str(), l.as_str()),
            None => Entry::text(format!("{} (no summary link declared)", m.name)),
        })
        .collect();
    Answer::declared(text, "claims training_data.synthetic").entries(entries)
}

fn tdm(ev: &Evidence) -> Answer {
    let Some(p) = td(ev).and_then(|t| t.processing.as_ref()) else {
        return Answer::missing();
    };
    let Some(m) = &p.tdm_opt_out else {
        return Answer::missing();
    };
    let mut text = m.as_str().to_owned();
    if let Some(s) = p.code_of_practice {
        text.push_str(&format!(
            " Signatory of the GPAI Code of Practice: {}.",
            yes_no(s)
        ));
    }
    Answer::declared(text, "claims training_data.processing")
}

fn provenance(ev: &Evidence) -> Answer {
    let Some(t) = td(ev) else {
        return Answer::missing();
    };
    let kinds: [(&str, &str, Option<bool>); 7] = [
        (
            "web crawling",
            "training_data.crawled",
            t.crawled.as_ref().map(|c| c.used),
        ),
        (
            "private data licensed from rightsholders",
            "training_data.licensed",
            t.licensed.as_ref().map(|c| c.used),
        ),
        (
            "private data from other third parties",
            "training_data.private",
            t.private.as_ref().map(|c| c.used),
        ),
        (
            "user data",
            "training_data.user",
            t.user.as_ref().map(|u| u.interactions || u.services),
        ),
        (
            "publicly available datasets",
            "training_data.public",
            t.public.as_ref().map(|c| c.used),
        ),
        (
            "synthetic data",
            "training_data.synthetic",
            t.synthetic.as_ref().map(|c| c.used),
        ),
        (
            "other sources",
            "training_data.other_sources",
            t.other_sources.as_ref().map(|c| c.used),
        ),
    ];
    let absent: Vec<&str> = kinds
        .iter()
        .filter(|(_, _, u)| u.is_none())
        .map(|(_, k, _)| *k)
        .collect();
    let used: Vec<Entry> = kinds
        .iter()
        .filter(|(_, _, u)| *u == Some(true))
        .map(|(n, _, _)| Entry::text(*n))
        .collect();
    if !absent.is_empty() {
        return Answer::missing_because(format!("not declared: {}", absent.join(", ")))
            .entries(used);
    }
    if used.is_empty() {
        return Answer::declared("None of the listed sources.", "claims training_data");
    }
    Answer::list(
        Source::Declared,
        used,
        "claims training_data (one table per kind of source)",
    )
}

// ---- The model --------------------------------------------------------------------------------

fn config_arch(ev: &Evidence) -> Option<String> {
    let c = ev.config.as_ref()?;
    if c.architectures.is_empty() && c.model_type.is_none() {
        return None;
    }
    let mut s = c.architectures.join(", ");
    if let Some(t) = &c.model_type {
        if s.is_empty() {
            s = t.clone();
        } else {
            s.push_str(&format!(" (model_type {t})"));
        }
    }
    Some(s)
}

fn header_arch(r: &Release) -> Option<String> {
    let mut v: Vec<&str> = r
        .artifacts
        .iter()
        .filter_map(|a| a.weights.as_ref()?.architecture.as_deref())
        .collect();
    v.sort_unstable();
    v.dedup();
    (!v.is_empty()).then(|| v.join(", "))
}

fn architecture(ev: &Evidence) -> Answer {
    let shown = config_arch(ev)
        .map(|a| (a, format!("the signed {CONFIG_PATH}")))
        .or_else(|| header_arch(&ev.release).map(|a| (a, "the weight headers".to_owned())));
    if let Some(d) = ev
        .claims
        .disclosure
        .model
        .as_ref()
        .and_then(|m| m.architecture.as_ref())
    {
        let a = Answer::declared(d.as_str(), "claims model.architecture");
        return match shown {
            Some((s, from)) => a.note(format!("{from} shows {s}")),
            None => a,
        };
    }
    match shown {
        Some((s, from)) => Answer::verified(s, from),
        None => Answer::missing(),
    }
}

/// The modalities a Hugging Face `pipeline_tag` names: (inputs, outputs).
fn pipeline_modalities(tag: &str) -> Option<(&'static [Modality], &'static [Modality])> {
    use Modality::*;
    Some(match tag {
        "text-generation"
        | "text2text-generation"
        | "summarization"
        | "translation"
        | "question-answering"
        | "fill-mask"
        | "conversational"
        | "table-question-answering" => (&[Text], &[Text]),
        "text-classification"
        | "token-classification"
        | "zero-shot-classification"
        | "sentence-similarity"
        | "feature-extraction" => (&[Text], &[Other]),
        "image-text-to-text" | "visual-question-answering" | "document-question-answering" => {
            (&[Text, Image], &[Text])
        }
        "image-to-text" => (&[Image], &[Text]),
        "image-classification"
        | "object-detection"
        | "image-segmentation"
        | "image-feature-extraction" => (&[Image], &[Other]),
        "text-to-image" => (&[Text], &[Image]),
        "image-to-image" => (&[Image], &[Image]),
        "automatic-speech-recognition" => (&[Audio], &[Text]),
        "text-to-speech" | "text-to-audio" => (&[Text], &[Audio]),
        "audio-classification" => (&[Audio], &[Other]),
        "text-to-video" => (&[Text], &[Video]),
        "video-classification" => (&[Video], &[Other]),
        _ => return None,
    })
}

fn causal(ev: &Evidence) -> bool {
    ev.config.as_ref().is_some_and(|c| {
        c.architectures
            .iter()
            .any(|a| a.ends_with("ForCausalLM") || a.ends_with("LMHeadModel"))
    })
}

/// Input (`inputs`) or output modalities with their maximum sizes.
fn io(ev: &Evidence, inputs: bool) -> Answer {
    let declared_ctx = ev
        .claims
        .disclosure
        .model
        .as_ref()
        .and_then(|m| m.context_length);
    let size = |m: Modality, verified_ctx: Option<&(u64, String)>| -> String {
        if m != Modality::Text {
            return "maximum size not stated".into();
        }
        let shared = if inputs {
            ""
        } else {
            ", shared with the input"
        };
        match (verified_ctx, declared_ctx) {
            (Some((n, key)), _) if inputs || causal(ev) => format!(
                "up to {} tokens (context window, {CONFIG_PATH} {key}{shared})",
                thousands(*n)
            ),
            (None, Some(n)) => format!(
                "up to {} tokens (context window, claims model.context_length{shared})",
                thousands(n.get())
            ),
            _ => "maximum size not stated".into(),
        }
    };
    let line = |m: Modality, ctx| Entry::text(format!("{m}: {}", size(m, ctx)));
    if let Some(c) = &ev.config {
        let mods = if inputs { &c.inputs } else { &c.outputs };
        if !mods.is_empty() {
            let entries = mods
                .iter()
                .map(|(m, _)| line(*m, c.context.as_ref()))
                .collect();
            let why: Vec<String> = mods.iter().map(|(m, k)| format!("{m} from {k}")).collect();
            return Answer::list(
                Source::Verified,
                entries,
                format!("the signed {CONFIG_PATH} ({})", why.join("; ")),
            );
        }
    }
    let declared = ev.claims.disclosure.model.as_ref().map(|m| {
        if inputs {
            m.inputs.clone()
        } else {
            m.outputs.clone()
        }
    });
    if let Some(mods) = declared.filter(|m| !m.is_empty()) {
        let key = if inputs {
            "model.inputs"
        } else {
            "model.outputs"
        };
        return Answer::list(
            Source::Declared,
            mods.iter().map(|m| line(*m, None)).collect(),
            origin(key),
        );
    }
    let tag = ev
        .release
        .card
        .as_ref()
        .and_then(|c| c.pipeline_tag.as_deref());
    if let Some((i, o)) = tag.and_then(pipeline_modalities) {
        let mods = if inputs { i } else { o };
        return Answer::list(
            Source::Declared,
            mods.iter().map(|m| line(*m, None)).collect(),
            format!("model card pipeline_tag {}", tag.unwrap_or("")),
        );
    }
    Answer::missing()
}

/// Whether a weight file is an intermediate checkpoint (spec/claims.md §3.2's rule).
fn intermediate(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let (dirs, file) = p.rsplit_once('/').unwrap_or(("", &p));
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    dirs.split('/').any(|d| {
        d.starts_with("checkpoint") || d.starts_with("ckpt") || d.starts_with("intermediate")
    }) || stem.contains("checkpoint")
        || stem.contains("step-")
        || stem.contains("step_")
}

/// The parameters of the final weights, from the headers the record carries: the files of
/// one format (safetensors before GGUF), intermediate checkpoints left out. (count, files).
pub(crate) fn parameters(r: &Release) -> Option<(u64, Vec<String>)> {
    let finals: Vec<_> = r
        .artifacts
        .iter()
        .filter(|a| !intermediate(a.path.as_str()))
        .filter_map(|a| Some((a.path.as_str(), a.weights.as_ref()?)))
        .filter(|(_, w)| w.parameter_count > 0)
        .collect();
    for format in [
        sceau_core::WeightFormat::Safetensors,
        sceau_core::WeightFormat::Gguf,
    ] {
        let files: Vec<_> = finals.iter().filter(|(_, w)| w.format == format).collect();
        if !files.is_empty() {
            let n = files
                .iter()
                .fold(0u64, |t, (_, w)| t.saturating_add(w.parameter_count));
            return Some((n, files.iter().map(|(p, _)| (*p).to_owned()).collect()));
        }
    }
    None
}

fn headers_origin(files: &[String]) -> String {
    const SHOW: usize = 3;
    let mut s = files[..files.len().min(SHOW)].join(", ");
    if files.len() > SHOW {
        s.push_str(&format!(" and {} more", files.len() - SHOW));
    }
    format!("the weight headers of {s}")
}

fn declared_parameters(ev: &Evidence) -> Option<f64> {
    ev.claims
        .disclosure
        .model
        .as_ref()
        .and_then(|m| m.parameters)
        .map(|q| q.get())
}

fn model_size(ev: &Evidence) -> Answer {
    if let Some((n, files)) = parameters(&ev.release) {
        #[allow(clippy::cast_precision_loss)]
        let approx = two_significant(n as f64);
        return Answer::verified(
            format!("{} parameters ({approx})", thousands(n)),
            headers_origin(&files),
        );
    }
    match declared_parameters(ev) {
        Some(x) => Answer::declared(
            format!("{} parameters ({})", quantity(x), two_significant(x)),
            "claims model.parameters",
        ),
        None => Answer::missing_because(
            "no weight header the record carries counts the parameters (safetensors and GGUF are read)",
        ),
    }
}

fn parameter_range(cx: &Ctx<'_>) -> Answer {
    let Some(bins) = cx.list.bins("parameters") else {
        return Answer::missing_because("the field list has no parameter ranges");
    };
    if let Some((n, files)) = parameters(&cx.ev.release) {
        #[allow(clippy::cast_precision_loss)]
        return Answer::verified(bins.label(n as f64), headers_origin(&files));
    }
    match declared_parameters(cx.ev) {
        Some(x) => Answer::declared(bins.label(x), "claims model.parameters"),
        None => Answer::missing(),
    }
}

fn licence(ev: &Evidence) -> Answer {
    let url = ev
        .claims
        .disclosure
        .distribution
        .as_ref()
        .and_then(|d| d.licence_url.as_ref())
        .map(|l| l.as_str().to_owned());
    let own = match ev.release.licence.as_ref() {
        Some(l) => Some((
            l.label().to_owned(),
            source_of_record(ev),
            "the record's licence",
        )),
        None => ev
            .claims
            .component(sceau_core::MofComponent::ModelParameters)
            .and_then(|c| c.licence.as_ref())
            .map(|l| {
                (
                    l.label().to_owned(),
                    Source::Declared,
                    "claims components.model-parameters.licence",
                )
            }),
    };
    let Some((own, source, own_origin)) = own else {
        return Answer::missing();
    };
    let mut entries = Vec::new();
    let mut note = None;
    match &ev.parents {
        Parents::Walked { inherited, .. } => {
            for i in inherited {
                let terms = if i.terms.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", i.terms.join(", "))
                };
                entries.push(Entry::text(format!(
                    "inherited from {}: {}{terms}",
                    i.from,
                    i.licence.label()
                )));
            }
        }
        Parents::NotWalked if !ev.release.parents.is_empty() => {
            note = Some(
                "the base models' licence terms were not checked: pass --store or --with"
                    .to_owned(),
            );
        }
        _ => {}
    }
    let mut a = Answer::new(
        source,
        match &url {
            Some(_) => format!("{own} (text linked)"),
            None => own,
        },
        if entries.is_empty() {
            own_origin.to_owned()
        } else {
            format!("{own_origin} and the terms its verified lineage passes down")
        },
    )
    .entries(entries);
    if let Some(u) = url {
        a.entries.insert(0, Entry::linked("licence text", u));
    }
    if let Some(n) = note {
        a = a.note(n);
    }
    a
}

/// Files of the release that are acceptable-use policies (as `sceau report --ai-act` finds
/// them, spec/ai-act.md §2.1).
fn aup_files(r: &Release) -> Vec<&sceau_core::Artifact> {
    const NAMES: &[&str] = &[
        "acceptable-use",
        "acceptable_use",
        "acceptableuse",
        "use-policy",
        "use_policy",
        "usepolicy",
    ];
    r.artifacts
        .iter()
        .filter(|a| {
            let p = a.path.as_str().to_ascii_lowercase();
            let name = p.rsplit('/').next().unwrap_or(&p);
            NAMES.iter().any(|n| name.contains(n))
        })
        .collect()
}

fn acceptable_use(ev: &Evidence) -> Answer {
    match ev
        .claims
        .disclosure
        .documentation
        .as_ref()
        .and_then(|d| d.acceptable_use_policy.as_ref())
    {
        Some(PolicyLink::Link(l)) => {
            return Answer::list(
                Source::Declared,
                vec![Entry::linked(l.as_str(), l.as_str())],
                "claims documentation.acceptable_use_policy",
            )
        }
        Some(PolicyLink::None) => {
            return Answer::declared("None exists.", "claims documentation.acceptable_use_policy")
        }
        None => {}
    }
    let files = aup_files(&ev.release);
    if files.is_empty() {
        return Answer::missing();
    }
    Answer::list(
        source_of_record(ev),
        files
            .iter()
            .map(|a| Entry::text(format!("{} (sha256:{})", a.path.as_str(), a.sha256)))
            .collect(),
        "a policy file the record signs",
    )
}

fn intended_uses(ev: &Evidence) -> Answer {
    let c = &ev.claims;
    if c.intended_use.is_empty() && c.out_of_scope_use.is_empty() {
        return Answer::missing();
    }
    let mut entries: Vec<Entry> = c
        .intended_use
        .iter()
        .map(|u| Entry::text(format!("intended: {u}")))
        .collect();
    entries.extend(
        c.out_of_scope_use
            .iter()
            .map(|u| Entry::text(format!("restricted or out of scope: {u}"))),
    );
    Answer::list(
        Source::Declared,
        entries,
        "claims intended_use and out_of_scope_use",
    )
}

fn software(ev: &Evidence) -> Answer {
    if let Some(s) = ev
        .claims
        .disclosure
        .model
        .as_ref()
        .and_then(|m| m.software.as_ref())
    {
        return Answer::declared(s.as_str(), "claims model.software");
    }
    let version = ev
        .config
        .as_ref()
        .and_then(|c| c.transformers_version.as_deref());
    if let Some(v) = version {
        return Answer::verified(
            format!("transformers {v} (the version that wrote the configuration)"),
            format!("the signed {CONFIG_PATH} transformers_version"),
        );
    }
    match ev
        .release
        .card
        .as_ref()
        .and_then(|c| c.library_name.as_deref())
    {
        Some(l) => Answer::declared(l, "model card library_name")
            .note("no version is recorded (model.software)"),
        None => Answer::missing(),
    }
}

// ---- Compute and energy -----------------------------------------------------------------------

fn flops(cx: &Ctx<'_>) -> Answer {
    let Some(x) = cx
        .ev
        .claims
        .disclosure
        .training
        .as_ref()
        .and_then(|t| t.flops)
        .map(|q| q.get())
    else {
        return Answer::missing();
    };
    let (two, order) = (two_significant(x), order_of_magnitude(x));
    let text = match cx.recipient {
        Some(Recipient::Authority) => format!("{order} FLOPs (order of magnitude)"),
        Some(_) => format!("{two} FLOPs"),
        None => {
            format!("{two} FLOPs (order of magnitude {order}, as national authorities receive it)")
        }
    };
    Answer::declared(text, "claims training.flops")
}

fn energy(ev: &Evidence) -> Answer {
    let Some(e) = ev.claims.energy.as_ref() else {
        return Answer::missing();
    };
    let Some(kwh) = e.kwh else {
        return Answer::missing_because(format!(
            "only the emissions are declared ({} tCO2eq)",
            e.tco2eq.map(two_significant).unwrap_or_default()
        ));
    };
    let mut a = Answer::declared(
        format!("{} MWh", two_significant(kwh / 1000.0)),
        "claims energy.kwh",
    );
    if e.activity != "training" {
        a = a.note(format!("declared for the {} activity", e.activity));
    }
    a
}
