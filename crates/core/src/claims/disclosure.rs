//! What the regulators' forms ask that a record cannot prove (spec/claims.md §1.3): the
//! authorised representative, release dates and channels, links to published documents, a
//! description of the model, the training process, compute and energy method, and the
//! training content (size per modality, acquisition period, data sources, crawlers, top
//! domains, text-and-data-mining opt-outs).
//!
//! Read strictly from the claims file's tables `[representative]`, `[distribution]`,
//! `[documentation]`, `[model]`, `[training]` and `[training_data]` (unknown keys refused,
//! every value checked by its type in [`super::values`], coherence checked per table), and
//! recorded in the BOM as one property (spec/claims.md §4). `sceau report --form` fills the
//! forms from it (spec/forms.md).
use serde::{Deserialize, Serialize};

use super::values::{
    bounded, Day, Domain, Email, Link, Modality, Month, Name, Quantity, Text, Tokens, ValueError,
};

/// The disclosure claims; every table optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disclosure {
    /// `[representative]`: the provider's authorised representative in the Union.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative: Option<Representative>,
    /// `[distribution]`: release dates, channels and the licence link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Distribution>,
    /// `[documentation]`: links to documents published outside the release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation: Option<Documentation>,
    /// `[model]`: what the model is and what it needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelDescription>,
    /// `[training]`: the training process, compute and energy method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<Training>,
    /// `[training_data]`: the training content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_data: Option<TrainingData>,
}

impl Disclosure {
    /// True when no table is given.
    pub fn is_empty(&self) -> bool {
        *self == Disclosure::default()
    }
}

/// `[representative]`: who represents the provider in the Union (AI Act Art. 54), or why
/// there is none (`not_applicable`, e.g. "the provider is established in the Union").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRepresentative")]
pub struct Representative {
    /// Their name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    /// Their web site or contact page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Link>,
    /// Their e-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// Why there is no representative.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRepresentative {
    #[serde(default)]
    name: Option<Name>,
    #[serde(default)]
    url: Option<Link>,
    #[serde(default)]
    email: Option<Email>,
    #[serde(default)]
    not_applicable: Option<Text>,
}

impl TryFrom<RawRepresentative> for Representative {
    type Error = ValueError;
    fn try_from(r: RawRepresentative) -> Result<Self, ValueError> {
        let named = r.name.is_some() || r.url.is_some() || r.email.is_some();
        match (named, &r.not_applicable) {
            (true, Some(_)) => Err(ValueError::Incoherent {
                rule: "give name and url or email, or not_applicable, not both",
            }),
            (false, None) => Err(ValueError::Incoherent {
                rule: "give name and url or email, or not_applicable",
            }),
            (true, None) if r.name.is_none() => Err(ValueError::Incoherent {
                rule: "a representative needs a name",
            }),
            (true, None) if r.url.is_none() && r.email.is_none() => Err(ValueError::Incoherent {
                rule: "give url, email or both: a representative needs a way to be reached",
            }),
            _ => Ok(Representative {
                name: r.name,
                url: r.url,
                email: r.email,
                not_applicable: r.not_applicable,
            }),
        }
    }
}

/// `[distribution]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    /// When the model was first released, through any channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released: Option<Day>,
    /// When it was placed on the Union market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eu_released: Option<Day>,
    /// Where it is distributed (a hub page, an API, a download site…), one entry each.
    #[serde(
        default,
        deserialize_with = "bounded",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub channels: Vec<Text>,
    /// Where the licence text is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence_url: Option<Link>,
}

/// A link to a published policy, or `"none"` when the provider has none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyLink {
    /// Where it is published.
    Link(Link),
    /// `"none"`: there is no such policy.
    None,
}

impl Serialize for PolicyLink {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PolicyLink::Link(l) => l.serialize(s),
            PolicyLink::None => s.serialize_str("none"),
        }
    }
}

impl<'de> Deserialize<'de> for PolicyLink {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PolicyLink, D::Error> {
        let s = String::deserialize(d)?;
        if s.trim() == "none" {
            return Ok(PolicyLink::None);
        }
        Link::new(&s).map(PolicyLink::Link).map_err(|_| {
            serde::de::Error::custom(format!("{s:?} is neither an http(s) URL nor \"none\""))
        })
    }
}

/// `[documentation]`: documents published outside the release.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Documentation {
    /// The acceptable-use policy, or `"none"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptable_use_policy: Option<PolicyLink>,
    /// Where this model's public summary of training content is published: derived models
    /// link to it through their verified lineage (spec/forms.md §4.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_summary: Option<Link>,
    /// The copyright policy (AI Act Art. 53(1)(c)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copyright_policy: Option<Link>,
}

/// `[model]`: what the model is and what it needs to run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelDescription {
    /// A general description of the architecture (about 20 words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Text>,
    /// The key design specifications, with rationale and assumptions (about 100 words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<Text>,
    /// Input modalities, when the configuration does not show them.
    #[serde(
        default,
        deserialize_with = "bounded",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub inputs: Vec<Modality>,
    /// Output modalities, likewise.
    #[serde(
        default,
        deserialize_with = "bounded",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub outputs: Vec<Modality>,
    /// The context window in tokens, when the configuration does not show it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_length: Option<Tokens>,
    /// The total number of parameters, when no weight header the record carries counts them
    /// (the headers win when they do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Quantity>,
    /// The type and nature of AI systems the model can be integrated in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai_systems: Option<Text>,
    /// The technical means (instructions, infrastructure, tools) for integrating it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<Text>,
    /// The hardware it needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware: Option<Text>,
    /// The software (and versions) it needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<Text>,
}

/// `[training]`: how the model was trained, with what compute.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Training {
    /// The design specifications of the training process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<Text>,
    /// The rationale of the main decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<Text>,
    /// The training time (e.g. "41 days on 512 accelerators").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Text>,
    /// The training compute, in floating-point operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flops: Option<Quantity>,
    /// How the compute was measured or estimated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flops_method: Option<Text>,
    /// How the energy (`[energy] kwh`) was measured or estimated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_method: Option<Text>,
    /// The benchmarked inference compute, with the task and hardware.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_compute: Option<Text>,
}

/// The size and content of the text in the training data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextData {
    /// Number of tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Quantity>,
    /// Types of content (web pages, books, code…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Text>,
}

/// The size and content of the images in the training data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageData {
    /// Number of images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Quantity>,
    /// Types of content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Text>,
}

/// The size and content of the audio or video in the training data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedData {
    /// Hours of recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Quantity>,
    /// Types of content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Text>,
}

/// Other modalities in the training data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherData {
    /// The size, in the unit that suits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Text>,
    /// What it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Text>,
}

/// Whether a kind of data source was used, and how (`description` is required when `used`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSourceUse")]
pub struct SourceUse {
    /// Whether it was used.
    pub used: bool,
    /// A general description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSourceUse {
    used: bool,
    #[serde(default)]
    description: Option<Text>,
}

fn described(used: bool, description: &Option<Text>) -> Result<(), ValueError> {
    if used && description.is_none() {
        Err(ValueError::Incoherent {
            rule: "used = true needs a description",
        })
    } else {
        Ok(())
    }
}

impl TryFrom<RawSourceUse> for SourceUse {
    type Error = ValueError;
    fn try_from(r: RawSourceUse) -> Result<Self, ValueError> {
        described(r.used, &r.description)?;
        Ok(SourceUse {
            used: r.used,
            description: r.description,
        })
    }
}

/// Publicly available datasets (template §2.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawPublic")]
pub struct PublicData {
    /// Whether any was used.
    pub used: bool,
    /// The large ones, by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub large: Vec<Text>,
    /// A general description of the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

/// Private datasets obtained from third parties other than rightsholders (template §2.2.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawPrivate")]
pub struct PrivateData {
    /// Whether any was used.
    pub used: bool,
    /// Those that are publicly known, by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<Text>,
    /// A general description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublic {
    used: bool,
    #[serde(default, deserialize_with = "bounded")]
    large: Vec<Text>,
    #[serde(default)]
    description: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrivate {
    used: bool,
    #[serde(default, deserialize_with = "bounded")]
    known: Vec<Text>,
    #[serde(default)]
    description: Option<Text>,
}

fn named_source(used: bool, names: &[Text], description: &Option<Text>) -> Result<(), ValueError> {
    if !used && !names.is_empty() {
        return Err(ValueError::Incoherent {
            rule: "datasets are listed but used is not true",
        });
    }
    if used && names.is_empty() && description.is_none() {
        return Err(ValueError::Incoherent {
            rule: "used = true needs the datasets or a description",
        });
    }
    Ok(())
}

impl TryFrom<RawPublic> for PublicData {
    type Error = ValueError;
    fn try_from(r: RawPublic) -> Result<Self, ValueError> {
        named_source(r.used, &r.large, &r.description)?;
        Ok(PublicData {
            used: r.used,
            large: r.large,
            description: r.description,
        })
    }
}

impl TryFrom<RawPrivate> for PrivateData {
    type Error = ValueError;
    fn try_from(r: RawPrivate) -> Result<Self, ValueError> {
        named_source(r.used, &r.known, &r.description)?;
        Ok(PrivateData {
            used: r.used,
            known: r.known,
            description: r.description,
        })
    }
}

/// One crawler (template §2.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crawler {
    /// Its name or user-agent identifier.
    pub name: Name,
    /// What it collected for.
    pub purpose: Text,
    /// How it behaves: robots.txt, paywalls, log-ins, CAPTCHAs.
    pub behaviour: Text,
}

/// Data crawled or scraped from online sources (template §2.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawCrawled")]
pub struct Crawled {
    /// Whether any was used.
    pub used: bool,
    /// The type of content and of online sources crawled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Text>,
    /// First month of collection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Month>,
    /// Last month of collection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Month>,
    /// The crawlers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crawlers: Vec<Crawler>,
    /// The most relevant domain names, largest share first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub top_domains: Vec<Domain>,
    /// What the domain list covers (e.g. "top 10 % of domains by size of content scraped").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_domains_basis: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrawled {
    used: bool,
    #[serde(default)]
    content: Option<Text>,
    #[serde(default)]
    from: Option<Month>,
    #[serde(default)]
    to: Option<Month>,
    #[serde(default, deserialize_with = "bounded")]
    crawlers: Vec<Crawler>,
    #[serde(default, deserialize_with = "bounded")]
    top_domains: Vec<Domain>,
    #[serde(default)]
    top_domains_basis: Option<Text>,
}

impl TryFrom<RawCrawled> for Crawled {
    type Error = ValueError;
    fn try_from(r: RawCrawled) -> Result<Self, ValueError> {
        if r.used && r.content.is_none() {
            return Err(ValueError::Incoherent {
                rule: "used = true needs content (what was crawled)",
            });
        }
        let details = r.content.is_some()
            || r.from.is_some()
            || r.to.is_some()
            || !r.crawlers.is_empty()
            || !r.top_domains.is_empty()
            || r.top_domains_basis.is_some();
        if !r.used && details {
            return Err(ValueError::Incoherent {
                rule: "crawling details are given but used is not true",
            });
        }
        if let (Some(f), Some(t)) = (r.from, r.to) {
            if f > t {
                return Err(ValueError::Reversed { from: f, to: t });
            }
        }
        if r.top_domains_basis.is_some() && r.top_domains.is_empty() {
            return Err(ValueError::Incoherent {
                rule: "top_domains_basis is given without top_domains",
            });
        }
        Ok(Crawled {
            used: r.used,
            content: r.content,
            from: r.from,
            to: r.to,
            crawlers: r.crawlers,
            top_domains: r.top_domains,
            top_domains_basis: r.top_domains_basis,
        })
    }
}

/// User data (template §2.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawUserData")]
pub struct UserData {
    /// Data from users' interactions with the model.
    pub interactions: bool,
    /// Data collected from the provider's other services or products.
    pub services: bool,
    /// A description (required when either is used).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUserData {
    interactions: bool,
    services: bool,
    #[serde(default)]
    description: Option<Text>,
}

impl TryFrom<RawUserData> for UserData {
    type Error = ValueError;
    fn try_from(r: RawUserData) -> Result<Self, ValueError> {
        if (r.interactions || r.services) && r.description.is_none() {
            return Err(ValueError::Incoherent {
                rule: "user data is used: give a description",
            });
        }
        Ok(UserData {
            interactions: r.interactions,
            services: r.services,
            description: r.description,
        })
    }
}

/// A model that generated synthetic training data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyntheticModel {
    /// Its name (and version).
    pub name: Name,
    /// Where its own public summary of training content is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Link>,
}

/// Synthetic data (template §2.5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSynthetic")]
pub struct Synthetic {
    /// Whether any was used.
    pub used: bool,
    /// A description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// The models that generated it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<SyntheticModel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSynthetic {
    used: bool,
    #[serde(default)]
    description: Option<Text>,
    #[serde(default, deserialize_with = "bounded")]
    models: Vec<SyntheticModel>,
}

impl TryFrom<RawSynthetic> for Synthetic {
    type Error = ValueError;
    fn try_from(r: RawSynthetic) -> Result<Self, ValueError> {
        described(r.used, &r.description)?;
        if !r.used && !r.models.is_empty() {
            return Err(ValueError::Incoherent {
                rule: "models are listed but used is not true",
            });
        }
        Ok(Synthetic {
            used: r.used,
            description: r.description,
            models: r.models,
        })
    }
}

/// Data processing (template §3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Processing {
    /// The measures taken before and during collection to respect text-and-data-mining
    /// opt-outs (robots.txt and other machine-readable reservations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tdm_opt_out: Option<Text>,
    /// Whether the provider signed the GPAI Code of Practice (its copyright chapter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_of_practice: Option<bool>,
    /// The measures to remove illegal content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illegal_content: Option<Text>,
    /// Other information on data processing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<Text>,
}

/// `[training_data]`: the training content.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingData {
    /// The latest month data was acquired for training.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_acquisition: Option<Month>,
    /// Whether collection goes on after that (for later versions or continued training).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_ongoing: Option<bool>,
    /// The linguistic characteristics (languages and their shares).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<Text>,
    /// Other relevant characteristics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub characteristics: Option<Text>,
    /// The number of data points, with their unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_points: Option<Text>,
    /// The scope and main characteristics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Text>,
    /// How the data was obtained and selected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obtained: Option<Text>,
    /// The curation methodologies (cleaning, filtering, deduplication…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curation: Option<Text>,
    /// The measures to detect unsuitable data sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsuitable: Option<Text>,
    /// The measures to detect identifiable biases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bias: Option<Text>,
    /// Text in the training data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<TextData>,
    /// Images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageData>,
    /// Audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<TimedData>,
    /// Video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<TimedData>,
    /// Other modalities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<OtherData>,
    /// Publicly available datasets (§2.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<PublicData>,
    /// Datasets licensed from rightsholders (§2.2.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licensed: Option<SourceUse>,
    /// Private datasets from other third parties (§2.2.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<PrivateData>,
    /// Crawled or scraped data (§2.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crawled: Option<Crawled>,
    /// User data (§2.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserData>,
    /// Synthetic data (§2.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synthetic: Option<Synthetic>,
    /// Other sources (§2.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_sources: Option<SourceUse>,
    /// Data processing (§3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing: Option<Processing>,
}

impl TrainingData {
    /// The modalities whose table is given, in the forms' order.
    pub fn modalities(&self) -> Vec<Modality> {
        let mut v = Vec::new();
        if self.text.is_some() {
            v.push(Modality::Text);
        }
        if self.image.is_some() {
            v.push(Modality::Image);
        }
        if self.audio.is_some() {
            v.push(Modality::Audio);
        }
        if self.video.is_some() {
            v.push(Modality::Video);
        }
        if self.other.is_some() {
            v.push(Modality::Other);
        }
        v
    }
}
