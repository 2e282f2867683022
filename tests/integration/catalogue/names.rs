//! Path names in records: signed by a trusted key, refused by the path rules (spec/record.md
//! §2.2) before anything on disk is looked at.
use super::*;

/// The subject and BOM component of `from` renamed `to`, so that both still agree.
fn rename_artifact(v: &mut Value, from: &str, to: &str) {
    let subj = v["subject"]
        .as_array_mut()
        .expect("subject")
        .iter_mut()
        .find(|x| x["name"] == from)
        .expect("subject to rename");
    subj["name"] = to.into();
    let comp = v["predicate"]["components"]
        .as_array_mut()
        .expect("components")
        .iter_mut()
        .find(|x| x["name"] == from)
        .expect("component to rename");
    comp["name"] = to.into();
    comp["bom-ref"] = format!("artifact:{to}").into();
}

/// A record naming `config.json` as `bad` (subject and BOM component alike) is refused with
/// `rule` in the `parse statement` detail, and no file is opened: a copy of config.json sits
/// beside DIR, where `../config.json` (and `BAIT`, its absolute path) leads, and would match
/// the recorded digest if sceau followed the name.
#[track_caller]
fn refused_name(bad: &str, rule: &str) {
    let lab = Lab::new();
    let bait = lab.path("config.json");
    std::fs::copy(lab.dir.join("config.json"), &bait).unwrap();
    // BAIT stands for the bait's absolute path.
    let bad = &bad.replace("BAIT", s(&bait));
    let mut v = lab.payload();
    rename_artifact(&mut v, "config.json", bad);
    let rec = lab.craft_json("bad-name.json", &v);
    let (o, r) = lab.verify_dir(&rec);
    // The name as far as it prints plainly (the message escapes the rest).
    let plain: String = bad
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "./:_-".contains(*c))
        .collect();
    assert_only_failure(&o, &r, "parse", "statement", &[rule, &plain]);
    assert_not_run(&r, "tree", "files", "parse statement");
    assert_eq!(r["tree"], Value::Null);
}

#[test]
fn parent_segment() {
    refused_name("../config.json", "\"..\" segment");
}

#[test]
fn parent_segment_inside() {
    refused_name("a/../../config.json", "\"..\" segment");
}

#[test]
fn absolute() {
    // An absolute name pointing at a real copy of the file.
    refused_name("BAIT", "is absolute");
    refused_name("/etc/passwd", "is absolute");
}

#[test]
fn windows_drive_and_backslash() {
    refused_name("C:\\config.json", "backslash");
    refused_name("C:config.json", "drive letter");
}

#[test]
fn backslash_separator() {
    refused_name("sub\\config.json", "backslash");
    refused_name("..\\config.json", "backslash");
}

#[test]
fn empty() {
    refused_name("", "empty path");
}

#[test]
fn empty_segment() {
    refused_name("sub//config.json", "\"\" segment");
}

#[test]
fn dot_segment() {
    refused_name("./config.json", "\".\" segment");
}

#[test]
fn trailing_slash() {
    // A name ending in "/" names a folder recorded whole (spec/manifest.md §6.1): a file's
    // component renamed so is a folder without its file count.
    refused_name("config.json/", "a folder without sceau:folder.files");
}

#[test]
fn nul() {
    refused_name("config.json\u{0}.txt", "control character");
}

#[test]
fn control_characters() {
    refused_name("config\u{1b}[2J.json", "control character");
    refused_name("config\n.json", "control character");
    // C1 controls count too (NEL).
    refused_name("config\u{85}.json", "control character");
}

/// A decomposed (NFD) name is refused, not normalised: it and its NFC twin would be one file
/// on some systems and two on others.
#[test]
fn nfd_twin() {
    refused_name("cafe\u{301}.json", "not in Unicode NFC form");
}

/// Decision: names that differ only by case are both kept and compared exactly (no case
/// folding, spec/record.md §2.2): on a case-sensitive file system each must exist as written.
#[test]
fn case_twins_are_compared_exactly() {
    let lab = Lab::new();
    let mut v = lab.payload();
    let subj = v["subject"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "config.json")
        .unwrap()
        .clone();
    let comp = v["predicate"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "config.json")
        .unwrap()
        .clone();
    let (mut subj2, mut comp2) = (subj, comp);
    subj2["name"] = "CONFIG.json".into();
    comp2["name"] = "CONFIG.json".into();
    comp2["bom-ref"] = "artifact:CONFIG.json".into();
    // Byte order: upper case first.
    v["subject"].as_array_mut().unwrap().insert(0, subj2);
    v["predicate"]["components"]
        .as_array_mut()
        .unwrap()
        .insert(0, comp2);
    let rec = lab.craft_json("case-twins.json", &v);

    let (o, r) = lab.verify_dir(&rec);
    assert_only_failure(&o, &r, "tree", "missing", &["CONFIG.json"]);
    if std::fs::copy(lab.dir.join("config.json"), lab.dir.join("CONFIG.json")).is_ok()
        && std::fs::read_dir(&lab.dir).unwrap().count() == 10
    {
        let (o, r) = lab.verify_dir(&rec);
        assert_exit(&o, 0);
        assert_eq!(r["tree"]["matched"], 10);
    } else {
        eprintln!("case-insensitive file system: the two-file half was skipped");
    }
}

#[test]
fn duplicate_subject() {
    let lab = Lab::new();
    let mut v = lab.payload();
    for list in ["/subject", "/predicate/components"] {
        let a = v.pointer_mut(list).unwrap().as_array_mut().unwrap();
        let dup = a
            .iter()
            .find(|x| x["name"] == "config.json")
            .unwrap()
            .clone();
        a.push(dup);
    }
    let rec = lab.craft_json("dup.json", &v);
    let (o, r) = lab.verify_dir(&rec);
    assert_wording(
        &assert_only_failure(&o, &r, "parse", "statement", &["\"config.json\""]),
        &["twice"],
    );
}
