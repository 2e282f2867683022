//! The regulators' forms (issue 17, spec/forms.md): `sceau report RECORD --form
//! training-summary|model-documentation [--recipient …] --format json|md|html`, on the bundled
//! example signed with its full claims, on the same folder signed without claims, and on a
//! fine-tune whose summary links its base model's through the verified lineage.
//!
//! Every output is parsed: the JSON as JSON, the Markdown into its sections and fields, the
//! HTML by a small tag reader that checks the nesting and reads each field's row; the three
//! must list the same fields with the same sources.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use sceau_fixtures::lineage as fx;

use crate::common::*;

const FORMS: [&str; 2] = ["training-summary", "model-documentation"];
const SOURCES: [&str; 3] = ["verified", "declared", "missing"];
const NOT_VERIFIED: &str = "NOT VERIFIED";

fn example_dir() -> PathBuf {
    project_file("examples/tiny-llm")
}

fn example_claims() -> PathBuf {
    project_file("examples/tiny-llm.claims.toml")
}

/// The bundled example signed by alice as in `examples/tiny-llm.claims.toml`'s header, with
/// its claims (or none).
fn example(claims: bool) -> (Lab, PathBuf) {
    let lab = Lab::empty();
    let (key, _) = lab.keys("alice");
    let claims_file = example_claims();
    let extra: Vec<&str> = if claims {
        vec!["--claims", s(&claims_file)]
    } else {
        Vec::new()
    };
    let rec = lab.sign(
        &example_dir(),
        &key,
        "tiny.sceau.json",
        (NAME, "1.0.0"),
        &extra,
    );
    (lab, rec)
}

/// `sceau report RECORD --form FORM --format FORMAT [extra]`.
fn report(record: &Path, form: &str, format: &str, extra: &[&str]) -> Output {
    Sceau::new()
        .args(["report", s(record), "--form", form, "--format", format])
        .args(extra)
        .run()
}

/// [`report`] under alice's key at [`AT`], with the example folder, expecting success.
#[track_caller]
fn report_ok(lab: &Lab, record: &Path, form: &str, format: &str, extra: &[&str]) -> String {
    let (public, dir) = (lab.path("alice.pub"), example_dir());
    let mut a = vec!["--key", s(&public), "--at", AT, "--dir", s(&dir)];
    a.extend_from_slice(extra);
    let o = report(record, form, format, &a);
    assert_exit(&o, 0);
    stdout(&o)
}

/// A field as every rendering shows it: (id, source).
type Fields = Vec<(String, String)>;

/// The fields of the JSON form, in order, after checking its shape.
#[track_caller]
fn json_fields(v: &Value) -> Fields {
    assert_eq!(v["schema_version"], 1);
    assert!(v["field_list"]["basis"]
        .as_str()
        .unwrap()
        .contains("as summarised by the sources"));
    assert!(!v["field_list"]["sources"].as_array().unwrap().is_empty());
    let mut out = Vec::new();
    for sec in v["sections"].as_array().expect("sections") {
        assert_eq!(sec["verified"], v["verified"], "every section says it");
        for f in sec["fields"].as_array().expect("fields") {
            let id = f["id"].as_str().expect("id").to_owned();
            let source = f["source"].as_str().expect("source").to_owned();
            assert!(SOURCES.contains(&source.as_str()), "{id}: {source}");
            assert!(
                !f["source_text"].as_array().unwrap().is_empty(),
                "{id} names its source text"
            );
            if source == "missing" {
                assert!(f["answer"].is_null(), "{id}");
                assert!(f["origin"].is_null(), "{id}");
            } else {
                assert!(
                    f["answer"].is_string() || !f["entries"].as_array().unwrap().is_empty(),
                    "{id} has an answer"
                );
                assert!(f["origin"].is_string(), "{id} says where from");
            }
            out.push((id, source));
        }
    }
    let counts = &v["counts"];
    for s in SOURCES {
        let n = out.iter().filter(|(_, x)| x == s).count();
        assert_eq!(counts[s].as_u64(), Some(n as u64), "{s} count");
    }
    out
}

/// The Markdown form read back: its `##` sections (title, whether it carries the NOT
/// VERIFIED warning) and, per `###` field, the id and source of its `Source:` line.
#[track_caller]
fn markdown_fields(md: &str) -> (Vec<(String, bool)>, Fields) {
    assert!(md.starts_with("# "), "a title first");
    let mut sections: Vec<(String, bool)> = Vec::new();
    let mut fields = Vec::new();
    let mut in_field = false;
    for line in md.lines() {
        if let Some(t) = line.strip_prefix("## ") {
            in_field = false;
            if t != "Sources" && t != "Problems" {
                sections.push((t.to_owned(), false));
            }
        } else if line.starts_with("### ") {
            assert!(!in_field, "a field without its source line before {line}");
            in_field = true;
        } else if line.contains(NOT_VERIFIED) && !in_field {
            if let Some(last) = sections.last_mut() {
                last.1 = true;
            }
        } else if let Some(rest) = line.strip_prefix("Source: **") {
            assert!(in_field, "a source line outside a field: {line}");
            in_field = false;
            let source = rest
                .split(|c: char| !c.is_ascii_alphabetic())
                .next()
                .unwrap()
                .to_owned();
            assert!(SOURCES.contains(&source.as_str()), "{line}");
            let id = line
                .split(" Field `")
                .nth(1)
                .and_then(|r| r.split('`').next())
                .unwrap_or_else(|| panic!("no field id in {line}"))
                .to_owned();
            if source == "missing" {
                assert!(
                    line.contains("Fill it in the claims file: `")
                        || line.contains("No claim can fill it"),
                    "a missing field names its claims keys: {line}"
                );
            }
            fields.push((id, source));
        }
    }
    assert!(!in_field, "the last field has no source line");
    (sections, fields)
}

/// One HTML tag: (name, attributes text, closing, self-closing).
struct Tag<'a> {
    name: String,
    attrs: &'a str,
    closing: bool,
}

/// The tags of an HTML page, with the nesting checked (void elements excepted) and no
/// script, style sheet link, image or frame; text between tags holds no raw `<` or `>`.
#[track_caller]
fn html_tags(html: &str) -> Vec<Tag<'_>> {
    const VOID: [&str; 6] = ["meta", "br", "col", "hr", "img", "link"];
    assert!(html.starts_with("<!DOCTYPE html>\n"), "a doctype");
    let body = &html["<!DOCTYPE html>\n".len()..];
    let mut tags = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    let mut in_style = false;
    while let Some(i) = rest.find('<') {
        let text = &rest[..i];
        if !in_style {
            assert!(!text.contains('>'), "a raw > in text: {text:?}");
        }
        let after = &rest[i + 1..];
        let end = after.find('>').expect("an unclosed tag");
        let inner = &after[..end];
        rest = &after[end + 1..];
        if in_style && inner != "/style" {
            continue;
        }
        let closing = inner.starts_with('/');
        let inner = inner.trim_start_matches('/');
        let (name, attrs) = inner.split_once(' ').unwrap_or((inner, ""));
        let name = name.to_ascii_lowercase();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric()),
            "a tag name {name:?}"
        );
        assert!(
            !["script", "link", "img", "iframe", "object", "embed"].contains(&name.as_str()),
            "no {name} in a self-contained page"
        );
        if closing {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name, "</{name}> closes <{open}>");
            in_style = false;
        } else if !VOID.contains(&name.as_str()) {
            stack.push(name.clone());
            in_style = name == "style";
        }
        tags.push(Tag {
            name,
            attrs,
            closing,
        });
    }
    assert!(rest.trim().is_empty());
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    tags
}

/// The value of attribute `name` in a tag's attribute text.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("{name}=\"");
    let i = attrs.find(&key)?;
    let v = &attrs[i + key.len()..];
    v.split('"').next()
}

/// The HTML form read back: its sections (id, data-verified, whether a NOT VERIFIED warning
/// is in it) and its field rows (id, source).
#[track_caller]
fn html_fields(html: &str) -> (Vec<(String, bool, bool)>, Fields) {
    let tags = html_tags(html);
    let mut sections = Vec::new();
    let mut fields = Vec::new();
    for t in tags.iter().filter(|t| !t.closing) {
        if t.name == "section" {
            let id = attr(t.attrs, "id").expect("section id").to_owned();
            let verified = attr(t.attrs, "data-verified").expect("data-verified") == "true";
            sections.push((id, verified, false));
        }
        if t.name == "tr" {
            if let Some(id) = attr(t.attrs, "data-field") {
                let source = attr(t.attrs, "data-source")
                    .expect("data-source")
                    .to_owned();
                assert!(SOURCES.contains(&source.as_str()));
                fields.push((id.to_owned(), source));
            }
        }
        if t.name == "a" {
            let h = attr(t.attrs, "href").expect("href");
            assert!(h.starts_with("https://") || h.starts_with("http://"), "{h}");
        }
    }
    // Whether each section's text holds the warning.
    for (id, _, warned) in &mut sections {
        let start = html.find(&format!("<section id=\"{id}\"")).unwrap();
        let end = start + html[start..].find("</section>").unwrap();
        *warned = html[start..end].contains(NOT_VERIFIED);
    }
    (sections, fields)
}

/// The three renderings of one form agree, field for field; returns the JSON.
#[track_caller]
fn all_formats(render: impl Fn(&str) -> String) -> Value {
    let v: Value = serde_json::from_str(&render("json")).expect("JSON");
    let fields = json_fields(&v);
    assert!(!fields.is_empty());
    let (md_sections, md) = markdown_fields(&render("md"));
    assert_eq!(
        md, fields,
        "Markdown and JSON list the same fields and sources"
    );
    let (html_sections, html) = html_fields(&render("html"));
    assert_eq!(
        html, fields,
        "HTML and JSON list the same fields and sources"
    );
    let verified = v["verified"].as_bool().unwrap();
    let n = v["sections"].as_array().unwrap().len();
    assert_eq!(md_sections.len(), n);
    assert_eq!(html_sections.len(), n);
    for (t, warned) in &md_sections {
        assert_eq!(*warned, !verified, "Markdown section {t}");
    }
    for (id, ver, warned) in &html_sections {
        assert_eq!(*ver, verified, "HTML section {id}");
        assert_eq!(*warned, !verified, "HTML section {id}");
    }
    v
}

fn field<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["fields"].as_array().unwrap())
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no field {id}"))
}

fn sources(v: &Value) -> BTreeMap<String, String> {
    json_fields(v).into_iter().collect()
}

#[test]
fn bundled_example_with_its_claims_fills_both_forms_completely_in_every_format() {
    let (lab, rec) = example(true);
    for form in FORMS {
        let v = all_formats(|fmt| report_ok(&lab, &rec, form, fmt, &[]));
        assert_eq!(v["form"], form);
        assert_eq!(v["verified"], true);
        assert_eq!(v["status"], "verified");
        assert_eq!(v["passed"], true);
        assert_eq!(v["complete"], true, "{form}: {:#}", v["counts"]);
        assert_eq!(v["counts"]["missing"], 0, "{form}");
        assert_eq!(v["release"]["name"], NAME);
        assert_eq!(
            v["release"]["record_id"],
            format!("sha256:{}", record_digest(&rec))
        );
        let m = field(&v, "model-name");
        assert_eq!(m["source"], "verified");
        assert_eq!(m["answer"], format!("{NAME} 1.0.0"));
    }
    // What the signed artifacts prove is verified, with the numbers the example has.
    let v: Value =
        serde_json::from_str(&report_ok(&lab, &rec, "model-documentation", "json", &[])).unwrap();
    let size = field(&v, "total-model-size");
    assert_eq!(size["source"], "verified");
    assert!(
        size["answer"]
            .as_str()
            .unwrap()
            .starts_with("2,832 parameters"),
        "{size}"
    );
    assert!(size["origin"]
        .as_str()
        .unwrap()
        .contains("model.safetensors"));
    assert_eq!(field(&v, "parameter-range")["source"], "verified");
    for id in ["input-modalities", "output-modalities"] {
        let f = field(&v, id);
        assert_eq!(f["source"], "verified", "{f}");
        assert!(f["origin"].as_str().unwrap().contains("config.json"), "{f}");
    }
    let auth = field(&v, "model-authenticity");
    assert_eq!(auth["source"], "verified");
    let texts: Vec<&str> = auth["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains(&record_digest(&rec))),
        "{texts:?}"
    );
    assert!(texts
        .iter()
        .any(|t| t.starts_with("model.safetensors sha256:")));
    assert_eq!(field(&v, "licence")["source"], "verified");
    assert_eq!(field(&v, "training-compute")["source"], "declared");
    let energy = field(&v, "training-energy");
    assert_eq!(energy["source"], "declared");
    assert_eq!(
        energy["answer"], "4.2 × 10^-6 MWh",
        "0.0042 kWh to two significant figures"
    );
}

#[test]
fn each_recipient_receives_its_own_view_of_the_model_documentation() {
    let (lab, rec) = example(true);
    let all: Value =
        serde_json::from_str(&report_ok(&lab, &rec, "model-documentation", "json", &[])).unwrap();
    let every = sources(&all);
    let mut sizes = Vec::new();
    for who in ["ai-office", "authority", "downstream"] {
        let v = all_formats(|fmt| {
            report_ok(
                &lab,
                &rec,
                "model-documentation",
                fmt,
                &["--recipient", who],
            )
        });
        assert_eq!(v["recipient"], who);
        let mine = sources(&v);
        assert!(!mine.is_empty());
        for f in v["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["fields"].as_array().unwrap())
        {
            let rs: Vec<&str> = f["recipients"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            assert!(rs.contains(&who), "{} is not for {who}: {rs:?}", f["id"]);
            assert!(every.contains_key(f["id"].as_str().unwrap()));
        }
        sizes.push(mine.len());
    }
    assert!(
        sizes.iter().any(|n| *n < every.len()),
        "some recipient gets fewer fields than the whole form ({sizes:?} of {})",
        every.len()
    );
    // The summary of training content is one public document.
    let o = report(
        &rec,
        "training-summary",
        "md",
        &["--recipient", "downstream"],
    );
    assert_input_error(&o, &["no recipients"]);
}

#[test]
fn without_claims_every_unproven_field_is_missing_and_names_its_claims_keys() {
    let (lab, rec) = example(false);
    for form in FORMS {
        let v = all_formats(|fmt| report_ok(&lab, &rec, form, fmt, &[]));
        assert_eq!(v["complete"], false, "{form}");
        assert_eq!(v["verified"], true);
        let fields = v["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["fields"].as_array().unwrap());
        let mut missing = 0;
        for f in fields {
            if f["source"] == "missing" {
                missing += 1;
                let keys = f["claims_keys"].as_array().unwrap();
                assert!(!keys.is_empty(), "{} names no claims key", f["id"]);
            }
        }
        assert!(missing > 0, "{form}");
        // What the record proves is still verified.
        assert_eq!(field(&v, "model-name")["source"], "verified");
    }
    let md = report_ok(&lab, &rec, "training-summary", "md", &[]);
    assert!(
        md.contains("Fill it in the claims file: `training_data.crawled"),
        "{md}"
    );
}

#[test]
fn an_unverified_record_is_marked_on_every_page_of_every_format() {
    let (_lab, rec) = example(true);
    for form in FORMS {
        let v = all_formats(|fmt| {
            let o = report(&rec, form, fmt, &["--dir", s(&example_dir())]);
            assert_exit(&o, 0);
            stdout(&o)
        });
        assert_eq!(v["verified"], false);
        assert_eq!(v["status"], NOT_VERIFIED);
        assert_eq!(v["verification"]["status"], "not-verified");
        // Nothing the record says is taken as proven.
        assert_eq!(
            sources(&v).values().filter(|s| *s == "verified").count(),
            0,
            "{form}"
        );
    }
    let o = report(&rec, "model-documentation", "html", &[]);
    let html = stdout(&o);
    assert!(
        html.contains("<thead class=\"print-banner\"><tr><td><div class=\"warn\">NOT VERIFIED"),
        "the banner printed on every page"
    );
    assert!(html.contains("data-verified=\"false\""));
}

#[test]
fn a_record_that_does_not_verify_gets_no_form() {
    let (lab, rec) = example(true);
    let (_, other) = lab.keys("mallory");
    for form in FORMS {
        let o = report(&rec, form, "json", &["--key", s(&other), "--at", AT]);
        assert_exit(&o, 1);
        assert!(stdout(&o).is_empty(), "no form on stdout");
        assert!(stderr(&o).contains("does not verify"), "{}", stderr(&o));
    }
}

#[test]
fn a_config_that_is_not_the_signed_one_is_not_used_and_fails() {
    let (lab, rec) = example(true);
    let dir = lab.path("changed");
    std::fs::create_dir(&dir).unwrap();
    let config = std::fs::read_to_string(example_dir().join("config.json")).unwrap();
    std::fs::write(
        dir.join("config.json"),
        config.replace("LlamaForCausalLM", "LlamaForSequenceClassification"),
    )
    .unwrap();
    let o = report(
        &rec,
        "model-documentation",
        "json",
        &[
            "--key",
            s(&lab.path("alice.pub")),
            "--at",
            AT,
            "--dir",
            s(&dir),
        ],
    );
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("config.json differs from the record"),
        "{}",
        stderr(&o)
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["passed"], false);
    let f = field(&v, "output-modalities");
    assert!(
        !f["origin"]
            .as_str()
            .unwrap_or_default()
            .contains("config.json"),
        "{f}"
    );
}

/// The summary link a record's claims declare, in a copy of the example claims.
fn claims_with_summary(lab: &Lab, file: &str, link: &str) -> PathBuf {
    let text = std::fs::read_to_string(example_claims()).unwrap();
    let old = "training_summary = \"https://example.invalid/example-org/tiny-llm/training-content-summary\"";
    assert!(text.contains(old));
    let p = lab.path(file);
    std::fs::write(
        &p,
        text.replace(old, &format!("training_summary = \"{link}\"")),
    )
    .unwrap();
    p
}

/// A base signed by org A (with `claims`, when given) and its fine-tune signed by org B with
/// claims: (base record, fine-tune record).
fn finetune(lab: &Family, base_claims: Option<&Path>) -> (PathBuf, PathBuf) {
    let child_claims = claims_with_summary(
        lab,
        "child.claims.toml",
        "https://example.invalid/org-b/summary",
    );
    let base_dir = lab.folder("base", fx::base_a as sceau_fixtures::Generator);
    let child_dir = lab.folder("child", fx::finetune_b as sceau_fixtures::Generator);
    let base = lab.path("base.sceau.json");
    let mut extra = Vec::new();
    if let Some(c) = base_claims {
        extra = vec!["--claims", s(c)];
    }
    sign_release(&base_dir, &lab.key("a"), &base, fx::BASE_A_NAME, V, &extra);
    let child = lab.path("child.sceau.json");
    let parent = format!("{}:finetune", s(&base));
    sign_release(
        &child_dir,
        &lab.key("b"),
        &child,
        fx::FINETUNE_B_NAME,
        V,
        &["--claims", s(&child_claims), "--parent", &parent],
    );
    (base, child)
}

#[test]
fn a_finetunes_summary_links_its_base_models_summary_through_the_verified_lineage() {
    const BASE_SUMMARY: &str = "https://example.invalid/org-a/base/summary";
    let lab = Family::new();
    let base_claims = claims_with_summary(&lab, "base.claims.toml", BASE_SUMMARY);
    let (base, child) = finetune(&lab, Some(&base_claims));
    let policy = s(&lab.policy).to_owned();
    let trust = ["--policy", policy.as_str(), "--at", AT];
    let run = |form: &str, fmt: &str, extra: &[&str]| {
        let o = report(&child, form, fmt, &[&trust[..], extra].concat());
        assert_exit(&o, 0);
        stdout(&o)
    };

    // With the base record given, the lineage is walked and verified, and the base's own
    // summary is linked, in every format and in both forms.
    let with = ["--with", s(&base)];
    for form in FORMS {
        let v = all_formats(|fmt| run(form, fmt, &with));
        let dep = field(&v, "model-dependencies");
        assert_eq!(dep["source"], "verified", "{dep}");
        assert_eq!(dep["origin"], "the verified lineage");
        let e = &dep["entries"][0];
        let text = e["text"].as_str().unwrap();
        assert!(text.contains(fx::BASE_A_NAME), "{e}");
        assert!(text.contains("finetune"), "{e}");
        assert!(text.contains(&record_digest(&base)), "{e}");
        assert_eq!(e["link"], BASE_SUMMARY, "{e}");
    }
    let md = run("training-summary", "md", &with);
    assert!(
        md.contains(&format!("]({BASE_SUMMARY})")),
        "a Markdown link:\n{md}"
    );
    let html = run("training-summary", "html", &with);
    assert!(
        html.contains(&format!(
            "; its public summary of training content: <a href=\"{BASE_SUMMARY}\">{BASE_SUMMARY}</a>"
        )),
        "an HTML link"
    );

    // A store works as well as --with.
    let store = lab.store("store", &[&base]);
    let v: Value =
        serde_json::from_str(&run("training-summary", "json", &["--store", s(&store)])).unwrap();
    assert_eq!(
        field(&v, "model-dependencies")["entries"][0]["link"],
        BASE_SUMMARY
    );

    // Without the base record the lineage is not walked: the dependency is only declared,
    // and nothing is linked.
    let v: Value = serde_json::from_str(&run("training-summary", "json", &[])).unwrap();
    let dep = field(&v, "model-dependencies");
    assert_eq!(dep["source"], "declared", "{dep}");
    assert!(dep["entries"][0]["link"].is_null());
    assert!(
        dep["note"].as_str().unwrap().contains("--store or --with"),
        "{dep}"
    );
}

#[test]
fn a_verified_base_without_a_summary_claim_is_named_but_not_linked() {
    let lab = Family::new();
    let (base, child) = finetune(&lab, None);
    let o = report(
        &child,
        "training-summary",
        "json",
        &["--policy", s(&lab.policy), "--at", AT, "--with", s(&base)],
    );
    assert_exit(&o, 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let dep = field(&v, "model-dependencies");
    assert_eq!(dep["source"], "verified");
    assert!(dep["entries"][0]["link"].is_null());
    assert!(
        dep["note"]
            .as_str()
            .unwrap()
            .contains("documentation.training_summary"),
        "{dep}"
    );
}

#[test]
fn a_base_that_does_not_verify_fails_the_form() {
    let lab = Family::new();
    let (base, child) = finetune(&lab, None);
    // Org A is not trusted: the base does not verify, the form says so and exits 1.
    let only_b = lab.make_policy("only-b.json", &["b"], &[]);
    let o = report(
        &child,
        "training-summary",
        "json",
        &["--policy", s(&only_b), "--at", AT, "--with", s(&base)],
    );
    assert_exit(&o, 1);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["passed"], false);
    let dep = field(&v, "model-dependencies");
    assert_ne!(dep["source"], "verified", "{dep}");
    assert!(dep["entries"][0]["text"]
        .as_str()
        .unwrap()
        .contains(NOT_VERIFIED));
}
