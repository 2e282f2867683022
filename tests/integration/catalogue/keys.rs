//! Keys: wrong passphrases, truncated key files, secret keys readable by others (a warning), and
//! keygen over an existing key.
use super::*;

/// A wrong passphrase, from SCEAU_PASSPHRASE or `--passphrase-file`, for an encrypted sceau key
/// and an encrypted OpenSSH key, is refused naming the key file, by every command that loads a
/// secret key; nothing is signed or changed. The right one opens both.
#[cfg(unix)]
#[test]
fn wrong_passphrase_is_refused_naming_the_key() {
    use std::os::unix::fs::PermissionsExt as _;
    let lab = Lab::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/keys");
    let bad = lab.path("bad.txt");
    std::fs::write(&bad, "not it\n").unwrap();
    let out = lab.path("out.json");
    for (file, right) in [
        ("sceau-test.key", "sceau test passphrase"),
        ("ssh-ed25519-encrypted", "correct horse"),
    ] {
        let key = lab.path(file);
        std::fs::copy(data.join(file), &key).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        let before = snapshot(lab.t.path());
        let wrong = [("SCEAU_PASSPHRASE", "wrong")];
        for o in [
            sceau_env(
                &["sign", s(&lab.dir), "--key", s(&key), "-o", s(&out), "-q"],
                &wrong,
            ),
            sceau(&[
                "sign",
                s(&lab.dir),
                "--key",
                s(&key),
                "-o",
                s(&out),
                "-q",
                "--passphrase-file",
                s(&bad),
            ]),
            sceau_env(&["countersign", s(&lab.record), "--key", s(&key)], &wrong),
            sceau(&["key", "show", s(&key), "--passphrase-file", s(&bad)]),
        ] {
            assert_input_error(&o, &[file, "wrong passphrase"]);
        }
        assert_unchanged(lab.t.path(), &before);
        let o = sceau_env(&["key", "show", s(&key)], &[("SCEAU_PASSPHRASE", right)]);
        assert_exit(&o, 0);
    }
}

/// A key file cut short, in every encoding sceau reads, is refused naming the file, and
/// nothing is signed.
#[test]
fn truncated_key_files() {
    let lab = Lab::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/keys");
    let plain_secret = std::fs::read_to_string(&lab.key).unwrap();
    let cases: Vec<(&str, String, bool)> = vec![
        ("sceau.key", plain_secret.clone(), true),
        (
            "sceau-encrypted.key",
            std::fs::read_to_string(data.join("sceau-test.key")).unwrap(),
            true,
        ),
        (
            "openssh",
            std::fs::read_to_string(data.join("ssh-ed25519")).unwrap(),
            true,
        ),
        (
            "pkcs8.pem",
            std::fs::read_to_string(data.join("openssl-ed25519.pem")).unwrap(),
            true,
        ),
        (
            "sceau.pub",
            std::fs::read_to_string(&lab.public).unwrap(),
            false,
        ),
        (
            "ssh.pub",
            std::fs::read_to_string(data.join("ssh-ed25519.pub")).unwrap(),
            false,
        ),
        (
            "spki.pem",
            std::fs::read_to_string(data.join("openssl-ed25519.pub.pem")).unwrap(),
            false,
        ),
    ];
    let out = lab.path("out.json");
    for (name, text, secret) in cases {
        // Cuts inside the key material (a cut inside a trailing comment is no truncation).
        for cut in [text.len() / 2, 30, 12] {
            let f = lab.path(name);
            std::fs::write(&f, &text.as_bytes()[..cut]).unwrap();
            let before = snapshot(lab.t.path());
            let o = if secret {
                sceau_env(
                    &["sign", s(&lab.dir), "--key", s(&f), "-o", s(&out), "-q"],
                    &[("SCEAU_PASSPHRASE", "sceau test passphrase")],
                )
            } else {
                sceau(&["verify", "--record", s(&lab.record), "--key", s(&f)])
            };
            let e = assert_input_error(&o, &[name]);
            if name.starts_with("sceau") && name.ends_with(".key") && cut == 30 {
                // Cut inside the `algorithm:` line: truncated, not a wrong algorithm.
                assert!(e.contains("truncated: algorithm"), "{e}");
            }
            assert!(
                ["truncated", "malformed", "not a key sceau can read"]
                    .iter()
                    .any(|w| e.contains(w)),
                "{name} cut at {cut}: {e}"
            );
            assert_unchanged(lab.t.path(), &before);
            std::fs::remove_file(&f).unwrap();
        }
    }
}

/// A secret key others can read still signs, with one warning naming the file and the fix;
/// a 0600 key gives none.
#[cfg(unix)]
#[test]
fn world_readable_secret_key_gives_a_warning() {
    use std::os::unix::fs::PermissionsExt as _;
    let lab = Lab::new();
    let out = lab.path("out.json");
    let sign = || {
        sceau(&[
            "sign",
            s(&lab.dir),
            "--key",
            s(&lab.key),
            "-o",
            s(&out),
            "--name",
            NAME,
            "--version",
            "1.0.0",
            "-q",
        ])
    };
    let o = sign();
    assert_exit(&o, 0);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    std::fs::remove_file(&out).unwrap();

    std::fs::set_permissions(&lab.key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = snapshot(lab.t.path());
    let o = sign();
    assert_exit(&o, 0);
    let e = stderr(&o);
    let warnings: Vec<&str> = e.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{e}");
    for p in [
        s(&lab.key),
        "readable by other users",
        "mode 644",
        "chmod 600",
    ] {
        assert!(warnings[0].contains(p), "{e}");
    }
    assert!(!e.contains("error:"), "{e}");
    // The record, and nothing else, was written.
    let mut after = before.clone();
    after.insert(out.clone(), snapshot(&out)[&out].clone());
    assert_unchanged(lab.t.path(), &after);
}

/// keygen never replaces a key, nor half of a pair, without `--force`.
#[test]
fn keygen_refuses_to_overwrite_without_force() {
    let lab = Lab::new();
    let base = lab.path("alice");
    let before = snapshot(lab.t.path());
    let o = sceau(&["keygen", "-o", s(&base), "--no-passphrase"]);
    assert_input_error(&o, &[s(&lab.key), "already exists", "--force"]);
    // A lone NAME.pub also blocks it, and no NAME.key appears.
    let lone = lab.path("bob.pub");
    std::fs::write(&lone, "mine\n").unwrap();
    let before_bob = snapshot(lab.t.path());
    let o = sceau(&["keygen", "-o", s(&lab.path("bob")), "--no-passphrase"]);
    assert_input_error(&o, &[s(&lone), "already exists", "--force"]);
    assert_unchanged(lab.t.path(), &before_bob);
    std::fs::remove_file(&lone).unwrap();
    assert_unchanged(lab.t.path(), &before);

    let p0 = std::fs::read(&lab.public).unwrap();
    let o = sceau(&["keygen", "-o", s(&base), "--no-passphrase", "--force"]);
    assert_exit(&o, 0);
    assert_ne!(std::fs::read(&lab.public).unwrap(), p0);
}
