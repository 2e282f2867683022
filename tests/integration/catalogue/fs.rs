//! The file system of the folder being verified, and of every input file: refused without
//! opening anything that is not a regular file (spec/scan.md §1, spec/verify.md §4 step 2). The
//! same refusals by `sceau scan` are in `scan::refusals`; these are the verifier's, where the
//! folder is a download.
use super::*;

/// Replaces `config.json` (or adds an entry) with `make`, verifies, and expects `tree files`
/// to fail naming the entry with `phrase`.
#[track_caller]
fn refused_entry(make: impl FnOnce(&Lab) -> PathBuf, phrase: &str) {
    let lab = Lab::new();
    let entry = make(&lab);
    let (o, r) = lab.verify_dir(&lab.record);
    let d = assert_only_failure(&o, &r, "tree", "files", &[phrase]);
    assert_wording(&d, &["cannot check the folder"]);
    let name = entry.file_name().unwrap().to_str().unwrap();
    assert!(d.contains(name), "{d:?} does not name {name}");
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_tree_to_an_identical_file() {
    refused_entry(
        |lab| {
            // The target outside has exactly the recorded content.
            let outside = lab.path("outside.json");
            let f = lab.dir.join("config.json");
            std::fs::rename(&f, &outside).unwrap();
            std::os::unix::fs::symlink(&outside, &f).unwrap();
            f
        },
        "symlink leaves the tree",
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    refused_entry(
        |lab| {
            let f = lab.dir.join("config.json");
            std::fs::remove_file(&f).unwrap();
            std::os::unix::fs::symlink("config.json", &f).unwrap();
            f
        },
        "symlink loop",
    );
}

#[cfg(unix)]
#[test]
fn dangling_symlink() {
    refused_entry(
        |lab| {
            let f = lab.dir.join("config.json");
            std::fs::remove_file(&f).unwrap();
            std::os::unix::fs::symlink("gone.json", &f).unwrap();
            f
        },
        "dangling symlink",
    );
}

#[cfg(unix)]
#[test]
fn fifo_in_place_of_a_recorded_file_is_not_opened() {
    // Opening the FIFO would block: sceau() would then fail the test after RUN_LIMIT.
    refused_entry(
        |lab| {
            let f = lab.dir.join("config.json");
            std::fs::remove_file(&f).unwrap();
            let ok = Command::new("mkfifo").arg(&f).status().unwrap().success();
            assert!(ok, "mkfifo");
            f
        },
        "FIFO, not a regular file (not opened)",
    );
}

#[cfg(unix)]
#[test]
fn socket_in_place_of_a_recorded_file() {
    refused_entry(
        |lab| {
            let f = lab.dir.join("config.json");
            std::fs::remove_file(&f).unwrap();
            // Bound and left open for the verification: the socket stays in the tree.
            let l = std::os::unix::net::UnixListener::bind(&f).unwrap();
            std::mem::forget(l);
            f
        },
        "socket, not a regular file",
    );
}

#[cfg(unix)]
#[test]
fn device_in_place_of_a_recorded_file_is_not_opened() {
    let lab = Lab::new();
    let f = lab.dir.join("config.json");
    std::fs::remove_file(&f).unwrap();
    // /dev/zero never ends: reading it would run until RUN_LIMIT.
    let made = Command::new("mknod")
        .arg(&f)
        .args(["c", "1", "5"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let phrase = if made {
        "character device, not a regular file (not opened)"
    } else {
        eprintln!("mknod not permitted: checking a symlink to /dev/zero instead");
        std::os::unix::fs::symlink("/dev/zero", &f).unwrap();
        "symlink leaves the tree"
    };
    let (o, r) = lab.verify_dir(&lab.record);
    assert_only_failure(&o, &r, "tree", "files", &["config.json", phrase]);
}

/// Decision: hard links are allowed. A hard link is a regular file and is hashed as the file
/// it is; two names for one inode are two files, each recorded and checked under its own name
/// (spec/scan.md §1.1). Changing the content through one name changes both.
#[cfg(unix)]
#[test]
fn hardlinks_are_two_recorded_files() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    std::fs::hard_link(d.join("config.json"), d.join("config-link.json")).unwrap();
    let (key, public) = keygen(t.path(), "alice");
    let rec = t.path().join("r.sceau.json");
    sign(&d, &key, &rec);
    let names: Vec<String> = read_json(&rec)["payload"]
        .as_str()
        .map(b64_decode)
        .map(|p| serde_json::from_slice::<Value>(&p).unwrap())
        .unwrap()["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"config.json".to_owned()), "{names:?}");
    assert!(names.contains(&"config-link.json".to_owned()), "{names:?}");
    let args = [
        "verify",
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&public),
        "--json",
    ];
    let o = sceau(&args);
    assert_exit(&o, 0);
    assert_eq!(report_of(&o)["tree"]["matched"], 10);

    std::fs::write(d.join("config-link.json"), b"{}").unwrap();
    let o = sceau(&args);
    let r = report_of(&o);
    let d = assert_only_failure(&o, &r, "tree", "modified", &[]);
    assert!(
        d.contains("config.json modified") && d.contains("config-link.json modified"),
        "{d}"
    );
}

/// Runs sceau as `nobody` when we are root (who reads every file whatever its mode): `probe`
/// opens for us only if we are. Returns None (saying so) when privileges cannot be dropped.
#[cfg(unix)]
fn run_as_nobody(t: &Path, probe: &Path, args: &[&str]) -> Option<Output> {
    if std::fs::File::open(probe).is_err() {
        // Not privileged: the mode already applies to us.
        return Some(sceau(args));
    }
    sceau_as_nobody(t, args, "an unreadable file")
}

/// An unreadable recorded file (mode 000) fails `tree files` naming it; an unreadable folder
/// too. A scan of such a tree stops naming it and writes nothing.
#[cfg(unix)]
#[test]
fn unreadable_file_and_folder() {
    use std::os::unix::fs::PermissionsExt as _;
    let lab = Lab::new();
    let f = lab.dir.join("config.json");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
    let verify = [
        "verify",
        s(&lab.dir),
        "--record",
        s(&lab.record),
        "--key",
        s(&lab.public),
        "--at",
        AT,
        "--json",
    ];
    let before = snapshot(lab.t.path());
    let Some(o) = run_as_nobody(lab.t.path(), &f, &verify) else {
        return;
    };
    let r = report_of(&o);
    assert_wording(
        &assert_only_failure(&o, &r, "tree", "files", &["config.json"]),
        &["Permission denied"],
    );
    let out = lab.path("bom.json");
    let scan = ["scan", s(&lab.dir), "-o", s(&out)];
    let o = run_as_nobody(lab.t.path(), &f, &scan).unwrap();
    assert_input_error(&o, &["config.json", "Permission denied"]);
    assert!(!out.exists());

    // A folder that cannot be listed.
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
    let sub = lab.dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("x"), b"x").unwrap();
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = run_as_nobody(lab.t.path(), &sub.join("x"), &verify).unwrap();
    let r = report_of(&o);
    assert_wording(
        &assert_only_failure(&o, &r, "tree", "files", &["sub"]),
        &["Permission denied"],
    );
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(&sub).unwrap();
    // Only owners and modes changed (the test's own doing).
    assert_unchanged(lab.t.path(), &before);
}

/// Decision: a recorded path that is a directory on disk is a missing file (there is no file
/// of that name), and the files inside it are extra (spec/verify.md §4).
#[test]
fn directory_where_a_file_is_expected() {
    let lab = Lab::new();
    let f = lab.dir.join("config.json");
    std::fs::remove_file(&f).unwrap();
    std::fs::create_dir(&f).unwrap();
    let (o, r) = lab.verify_dir(&lab.record);
    assert_only_failure(&o, &r, "tree", "missing", &["config.json"]);
    assert_eq!(r["tree"]["missing"], json!(["config.json"]));

    std::fs::write(f.join("inner"), b"{}").unwrap();
    let (o, r) = lab.verify_dir(&lab.record);
    assert_exit(&o, 1);
    assert_eq!(failures(&r), ["tree/missing", "tree/extra"], "{r:#}");
    assert_eq!(r["tree"]["extra"], json!(["config.json/inner"]));
}

/// A file whose name is not UTF-8 cannot be named in a record: the walk refuses the folder,
/// naming the file, rather than skipping it or guessing a name.
#[cfg(unix)]
#[test]
fn non_utf8_name_in_the_folder() {
    use std::os::unix::ffi::OsStrExt as _;
    let lab = Lab::new();
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.txt");
    std::fs::write(lab.dir.join(name), b"x").unwrap();
    let (o, r) = lab.verify_dir(&lab.record);
    {
        let d = assert_only_failure(&o, &r, "tree", "files", &["bad"]);
        assert_wording(
            &d,
            &["cannot check the folder", "file name is not valid UTF-8"],
        );
    }
}

/// Every input file (key, record, policy, state, attestation, claims, standard) is read as a
/// regular file of bounded size: a FIFO is refused without blocking, a device (here
/// `/dev/zero`, which never ends) without being read.
#[cfg(unix)]
#[test]
fn fifo_or_device_given_as_an_input_file() {
    let lab = Lab::certifiable();
    let fifo = lab.path("key.fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let zero = lab.path("zero");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let out = lab.path("out.json");
    for f in [&fifo, &zero] {
        let before = snapshot(lab.t.path());
        for cmd in [
            vec!["key", "show", s(f)],
            vec!["verify", "--record", s(&lab.record), "--key", s(f)],
            vec!["sign", s(&lab.dir), "--key", s(f), "-o", s(&out)],
            vec!["policy", "show", s(f)],
            vec!["verify", "--record", s(f), "--key", s(&lab.public)],
            vec!["inspect", s(f)],
            vec!["verify", "--record", s(&lab.record), "--policy", s(f)],
            vec![
                "verify",
                "--record",
                s(&lab.record),
                "--key",
                s(&lab.public),
                "--state",
                s(f),
            ],
            vec![
                "verify",
                "--record",
                s(&lab.record),
                "--key",
                s(&lab.public),
                "--require",
                "mof-openness",
                "--attestation",
                s(f),
            ],
            vec![
                "sign",
                s(&lab.dir),
                "--key",
                s(&lab.key),
                "-o",
                s(&out),
                "--claims",
                s(f),
            ],
            vec![
                "certify",
                s(&lab.record),
                "--key",
                s(&lab.key),
                "--standard",
                s(f),
                "--requirement",
                "x",
                "--expires",
                "2027-01-01",
                "-o",
                s(&out),
            ],
        ] {
            let o = sceau(&cmd);
            // A state file is written back in place: it is refused as an output before it is
            // read ("sceau writes only a regular file"); the others as inputs.
            assert_input_error(&o, &[s(f), "regular file"]);
        }
        assert_unchanged(lab.t.path(), &before);
    }
}
