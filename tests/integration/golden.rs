//! Golden human outputs: the layout of the reports people read, compared byte for byte with
//! `tests/integration/snapshots/*.txt` (`SCEAU_UPDATE_SNAPSHOTS=1` rewrites them; see
//! `common::golden`). Every other test asserts check ids and JSON fields; these five keep the
//! human forms from drifting unseen. Keys are deterministic and every run has the same
//! SOURCE_DATE_EPOCH, so records, key ids and digests are the same in every run; the temporary
//! folder prints as `$LAB`.
use sceau_fixtures::lineage as fx;

use crate::common::*;

/// The run's standard output with the lab's folder shown as `$LAB`.
fn text_of(lab: &Lab, o: &std::process::Output) -> String {
    normalise(&stdout(o), &[(lab.t.path(), "$LAB")])
}

/// `sceau verify` of an untouched release: VERIFIED, the signer, one line per check.
#[test]
fn verify_passing_release() {
    let lab = Lab::new();
    let o = sceau(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--at",
        AT,
    ]);
    assert_exit(&o, 0);
    assert_golden("verify-passing-release", &text_of(&lab, &o));
}

/// `sceau verify` of a folder whose weights changed by one bit: FAILED, and the FAIL line names
/// the file with the recorded and the found digest.
#[test]
fn verify_tampered_folder() {
    let lab = Lab::new();
    flip_byte(&lab.dir.join("model.safetensors"), 4000);
    let o = sceau(&[
        "verify",
        s(&lab.dir),
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--at",
        AT,
    ]);
    assert_exit(&o, 1);
    assert_golden("verify-tampered-folder", &text_of(&lab, &o));
}

/// `sceau openness` of the open-science release (MOF Class I, OSI open source AI) as text.
#[test]
fn openness_of_an_open_science_release() {
    let lab = Lab::empty();
    let dir = lab.folder("open", sceau_fixtures::open_science);
    let (key, public) = lab.keys("m");
    let claims = dir.join("claims.toml");
    let rec = lab.sign(
        &dir,
        &key,
        "open.sceau.json",
        ("example-org/open-tiny", "1.0"),
        &["--claims", s(&claims)],
    );
    let o = sceau(&["openness", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    assert_golden("openness-open-science", &text_of(&lab, &o));
}

/// `sceau lineage` as a tree: the quantised merge of two fine-tunes of one base.
#[test]
fn lineage_tree() {
    let lab = Family::new();
    let base = lab.release(fx::base_a, "a", fx::BASE_A_NAME, &[]);
    let ft = lab.release(
        fx::finetune_b,
        "b",
        fx::FINETUNE_B_NAME,
        &[(&base.1, "finetune")],
    );
    let ft2 = lab.release(
        fx::finetune_b2,
        "b",
        fx::FINETUNE_B2_NAME,
        &[(&base.1, "finetune")],
    );
    let merge = lab.release(
        fx::merge_d,
        "d",
        fx::MERGE_D_NAME,
        &[(&ft.1, "merge"), (&ft2.1, "merge")],
    );
    let gguf = lab.release(
        fx::merge_gguf,
        "d",
        fx::MERGE_GGUF_NAME,
        &[(&merge.1, "quantized")],
    );
    let store = lab.store("store", &[&base.1, &ft.1, &ft2.1, &merge.1]);
    let o = lab.lineage(&gguf.1, &store, &lab.policy, "tree", &[]);
    assert_exit(&o, 0);
    assert_golden("lineage-tree", &text_of(&lab, &o));
}

/// `sceau inspect` of a record signed twice: NOT VERIFIED, the release, the key ids, the files.
#[test]
fn inspect_of_a_record() {
    let lab = Lab::new();
    let (bob, _) = lab.keys("bob");
    countersign(&lab.record, &bob);
    let o = sceau(&["inspect", s(&lab.record)]);
    assert_exit(&o, 0);
    assert_golden("inspect-record", &text_of(&lab, &o));
}
