//! Keys: `sceau keygen`, passphrases, `sceau key show`, OpenSSH and PKCS#8/SPKI imports, and the
//! refusal of weak public keys.
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::*;
use crate::sign_verify::{b64_encode, key_id, keygen, run, verify_json, NAME};

/// Signs the hf_model fixture in `t` with `key` (and `env`), returning the record path.
fn sign_with(
    t: &Path,
    d: &Path,
    key: &Path,
    env: &[(&str, &str)],
) -> (std::process::Output, PathBuf) {
    let rec = t.join("r.sceau.json");
    let o = run(
        &[
            "sign",
            s(d),
            "--key",
            s(key),
            "-o",
            s(&rec),
            "--name",
            NAME,
            "--version",
            "1.0.0",
            "-q",
        ],
        env,
    );
    (o, rec)
}

/// `sceau key show --json FILE` (with `env`).
fn show(file: &Path, env: &[(&str, &str)]) -> Value {
    let o = run(&["key", "show", s(file), "--json"], env);
    assert_exit(&o, 0);
    serde_json::from_str(&stdout(&o)).expect("key show --json")
}

fn tool(name: &str) -> bool {
    let found = Command::new(name)
        .arg("-V")
        .output()
        .or_else(|_| Command::new(name).arg("version").output())
        .is_ok();
    if !found {
        eprintln!("skipped: {name} is not installed");
    }
    found
}

#[cfg(unix)]
#[test]
fn keygen_writes_a_0600_secret_key_and_a_one_line_public_key() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let base = t.path().join("alice");
    let o = sceau(&[
        "keygen",
        "-o",
        s(&base),
        "--no-passphrase",
        "--comment",
        "Alice <alice@example.org>",
    ]);
    assert_exit(&o, 0);
    let key = t.path().join("alice.key");
    let public = t.path().join("alice.pub");
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");

    let text = std::fs::read_to_string(&public).unwrap();
    assert_eq!(text.lines().count(), 1, "{text:?}");
    let f: Vec<&str> = text.trim_end().splitn(4, ' ').collect();
    assert_eq!(f[0], "sceau-ed25519");
    assert_eq!(f[1].len(), 16);
    assert!(f[1]
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(f[2].len(), 44, "base64 of 32 bytes");
    assert_eq!(f[3], "Alice <alice@example.org>");
    // The key id is SHA-256 of the raw key, first 8 bytes (spec/keys.md §1.1).
    let raw = crate::sign_verify::b64_decode(f[2]);
    assert_eq!(raw.len(), 32);
    let id = {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(&raw)[..8])
    };
    assert_eq!(f[1], id);
    assert!(stdout(&o).contains(&id), "{}", stdout(&o));
    assert_eq!(key_id(&key), id);
    assert_eq!(key_id(&public), id);
}

#[test]
fn keygen_refuses_to_overwrite_without_force() {
    let t = tempfile::tempdir().unwrap();
    let (key, public) = keygen(t.path(), "alice");
    let (k0, p0) = (
        std::fs::read(&key).unwrap(),
        std::fs::read(&public).unwrap(),
    );
    let base = t.path().join("alice");
    let o = sceau(&["keygen", "-o", s(&base), "--no-passphrase"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&key).unwrap(), k0);
    assert_eq!(std::fs::read(&public).unwrap(), p0);

    // A lone NAME.pub also blocks it, and no NAME.key appears.
    let lone = t.path().join("bob.pub");
    std::fs::write(&lone, "mine\n").unwrap();
    let o = sceau(&["keygen", "-o", s(&t.path().join("bob")), "--no-passphrase"]);
    assert_exit(&o, 2);
    assert_eq!(std::fs::read_to_string(&lone).unwrap(), "mine\n");
    assert!(!t.path().join("bob.key").exists());

    let o = sceau(&["keygen", "-o", s(&base), "--no-passphrase", "--force"]);
    assert_exit(&o, 0);
    assert_ne!(std::fs::read(&public).unwrap(), p0);
}

#[test]
fn encrypted_key_signs_with_sceau_passphrase_and_refuses_a_wrong_one() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let base = t.path().join("enc");
    let o = run(
        &["keygen", "-o", s(&base)],
        &[("SCEAU_PASSPHRASE", "correct horse")],
    );
    assert_exit(&o, 0);
    let key = t.path().join("enc.key");
    let text = std::fs::read_to_string(&key).unwrap();
    assert!(
        text.contains("encryption: scrypt-xchacha20poly1305"),
        "{text}"
    );
    assert!(stdout(&o).contains("encrypted"), "{}", stdout(&o));

    let (o, rec) = sign_with(t.path(), &d, &key, &[("SCEAU_PASSPHRASE", "wrong")]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("wrong passphrase"), "{}", stderr(&o));
    assert!(!rec.exists());

    let (o, rec) = sign_with(t.path(), &d, &key, &[("SCEAU_PASSPHRASE", "correct horse")]);
    assert_exit(&o, 0);
    let (o, _) = verify_json(&[
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&t.path().join("enc.pub")),
    ]);
    assert_exit(&o, 0);
}

#[test]
fn passphrase_file_works_for_keygen_sign_and_key_show() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let pass = t.path().join("pass.txt");
    std::fs::write(&pass, "from a file\n").unwrap();
    let base = t.path().join("enc");
    let o = sceau(&["keygen", "-o", s(&base), "--passphrase-file", s(&pass)]);
    assert_exit(&o, 0);
    let key = t.path().join("enc.key");
    let public = t.path().join("enc.pub");
    assert!(std::fs::read_to_string(&key)
        .unwrap()
        .contains("encryption: scrypt-xchacha20poly1305"));

    // The trailing newline is not part of the passphrase: the env var without it also works.
    let rec = t.path().join("r.json");
    let o = sceau(&[
        "sign",
        s(&d),
        "--key",
        s(&key),
        "-o",
        s(&rec),
        "--version",
        "1",
        "-q",
        "--passphrase-file",
        s(&pass),
    ]);
    assert_exit(&o, 0);
    let (o, _) = verify_json(&[s(&d), "--record", s(&rec), "--key", s(&public)]);
    assert_exit(&o, 0);
    let v = show(&key, &[("SCEAU_PASSPHRASE", "from a file")]);
    assert_eq!(v["key_id"], key_id(&public).as_str());

    let o = sceau(&["key", "show", s(&key), "--passphrase-file", s(&pass)]);
    assert_exit(&o, 0);
    let bad = t.path().join("bad.txt");
    std::fs::write(&bad, "not it\n").unwrap();
    let o = sceau(&["key", "show", s(&key), "--passphrase-file", s(&bad)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("wrong passphrase"), "{}", stderr(&o));
}

#[test]
fn encrypted_key_without_passphrase_or_terminal_names_sceau_passphrase() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let base = t.path().join("enc");
    assert_exit(
        &run(&["keygen", "-o", s(&base)], &[("SCEAU_PASSPHRASE", "pw")]),
        0,
    );
    // `Command::output` gives the child a null stdin: no terminal to prompt on.
    let (o, rec) = sign_with(t.path(), &d, &t.path().join("enc.key"), &[]);
    assert_exit(&o, 2);
    let e = stderr(&o);
    assert!(e.contains("no passphrase"), "{e}");
    assert!(e.contains("SCEAU_PASSPHRASE"), "{e}");
    assert!(!rec.exists());

    // keygen without a passphrase source refuses too, instead of writing an unprotected key.
    let o = sceau(&["keygen", "-o", s(&t.path().join("other"))]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("SCEAU_PASSPHRASE"), "{}", stderr(&o));
    assert!(!t.path().join("other.key").exists());
    assert!(!t.path().join("other.pub").exists());
}

#[test]
fn key_show_prints_one_key_id_for_every_encoding_it_writes() {
    let t = tempfile::tempdir().unwrap();
    let (key, public) = keygen(t.path(), "alice");
    let id = key_id(&public);
    let v = show(&public, &[]);
    assert_eq!(show(&key, &[])["key_id"], id.as_str());
    assert_eq!(v["key_id"], id.as_str());
    let sceau_line = v["sceau"].as_str().unwrap();
    let openssh = v["openssh"].as_str().unwrap();
    let spki = v["spki_pem"].as_str().unwrap();
    assert!(sceau_line.starts_with(&format!("sceau-ed25519 {id} ")));
    assert!(openssh.starts_with("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"));
    assert!(spki.starts_with("-----BEGIN PUBLIC KEY-----\n"));

    for (name, text) in [
        ("k.sceau.pub", format!("{sceau_line}\n")),
        ("k.ssh.pub", format!("{openssh}\n")),
        ("k.pem", spki.to_owned()),
    ] {
        let p = t.path().join(name);
        std::fs::write(&p, text).unwrap();
        let again = show(&p, &[]);
        assert_eq!(again["key_id"], id.as_str(), "{name}");
        assert_eq!(again["openssh"], openssh, "{name}");
        assert_eq!(again["spki_pem"], spki, "{name}");
    }

    // The human form prints the same id and encodings, and no secret.
    let o = sceau(&["key", "show", s(&key)]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains(&format!("key id: {id}")), "{out}");
    assert!(out.contains(openssh), "{out}");
    assert!(out.contains("BEGIN PUBLIC KEY"), "{out}");
    let secret_line = std::fs::read_to_string(&key).unwrap();
    let secret = secret_line
        .lines()
        .find_map(|l| l.strip_prefix("secret: "))
        .unwrap();
    assert!(!out.contains(secret), "key show leaked the secret");
}

#[test]
fn openssh_keys_sign_and_verify() {
    if !tool("ssh-keygen") {
        return;
    }
    let (t, d) = fixture(sceau_fixtures::hf_model);
    for (name, pass) in [("plain", ""), ("protected", "ssh secret")] {
        let k = t.path().join(name);
        let o = Command::new("ssh-keygen")
            .args([
                "-q",
                "-t",
                "ed25519",
                "-N",
                pass,
                "-C",
                "ssh user",
                "-f",
                s(&k),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let public = t.path().join(format!("{name}.pub"));
        assert_eq!(
            key_id(&public),
            show(&k, &[("SCEAU_PASSPHRASE", pass)])["key_id"]
        );

        let env: &[(&str, &str)] = if pass.is_empty() {
            &[]
        } else {
            &[("SCEAU_PASSPHRASE", pass)]
        };
        if !pass.is_empty() {
            let (o, _) = sign_with(t.path(), &d, &k, &[("SCEAU_PASSPHRASE", "nope")]);
            assert_exit(&o, 2);
            assert!(stderr(&o).contains("wrong passphrase"), "{}", stderr(&o));
        }
        let (o, rec) = sign_with(t.path(), &d, &k, env);
        assert_exit(&o, 0);
        let (o, r) = verify_json(&[s(&d), "--record", s(&rec), "--key", s(&public)]);
        assert_exit(&o, 0);
        assert_eq!(r["signers"][0]["key_id"], key_id(&public).as_str());
        std::fs::remove_file(&rec).unwrap();
    }
}

#[test]
fn pkcs8_and_spki_pem_keys_from_openssl_sign_and_verify() {
    if !tool("openssl") {
        return;
    }
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let k = t.path().join("k.pem");
    let p = t.path().join("k.pub.pem");
    let o = Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out", s(&k)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = Command::new("openssl")
        .args(["pkey", "-in", s(&k), "-pubout", "-out", s(&p)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));

    assert_eq!(key_id(&k), key_id(&p));
    // sceau writes the SPKI PEM byte for byte as openssl does.
    assert_eq!(
        show(&k, &[])["spki_pem"].as_str().unwrap(),
        std::fs::read_to_string(&p).unwrap()
    );
    let (o, rec) = sign_with(t.path(), &d, &k, &[]);
    assert_exit(&o, 0);
    let (o, r) = verify_json(&[s(&d), "--record", s(&rec), "--key", s(&p)]);
    assert_exit(&o, 0);
    assert_eq!(r["signers"][0]["key_id"], key_id(&p).as_str());
}

/// The SPKI PEM and sceau line of raw key bytes `a` (no checks: to craft bad keys).
fn raw_public_files(dir: &Path, stem: &str, a: &[u8; 32]) -> (PathBuf, PathBuf) {
    let mut der = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    der.extend_from_slice(a);
    let pem = dir.join(format!("{stem}.pem"));
    std::fs::write(
        &pem,
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            b64_encode(&der)
        ),
    )
    .unwrap();
    let id = {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(a)[..8])
    };
    let line = dir.join(format!("{stem}.pub"));
    std::fs::write(&line, format!("sceau-ed25519 {id} {}\n", b64_encode(a))).unwrap();
    (pem, line)
}

#[test]
fn weak_public_keys_are_refused_when_loaded() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, public) = keygen(t.path(), "alice");
    let (_, rec) = sign_with(t.path(), &d, &key, &[]);
    let mut identity = [0u8; 32];
    identity[0] = 1; // the neutral element (0, 1)
    let zero = [0u8; 32]; // y = 0: a point of order 4
    for (stem, a) in [("identity", identity), ("zero", zero)] {
        let (pem, line) = raw_public_files(t.path(), stem, &a);
        for weak in [&pem, &line] {
            // Alone, or next to a good key: refused at load, not merely not counted.
            for extra in [None, Some(&public)] {
                let mut args = vec!["verify", s(&d), "--record", s(&rec), "--key", s(weak)];
                if let Some(p) = extra {
                    args.extend(["--key", s(p)]);
                }
                let o = sceau(&args);
                assert_exit(&o, 2);
                let e = stderr(&o);
                assert!(e.contains("weak (small order)"), "{e}");
                assert!(e.contains(s(weak)), "{e}");
            }
            let o = sceau(&["key", "show", s(weak)]);
            assert_exit(&o, 2);
            assert!(stderr(&o).contains("weak"), "{}", stderr(&o));
        }
    }
}

#[test]
fn public_key_line_with_a_wrong_key_id_is_refused_naming_both_ids() {
    let t = tempfile::tempdir().unwrap();
    let (_, public) = keygen(t.path(), "alice");
    let id = key_id(&public);
    let text = std::fs::read_to_string(&public).unwrap();
    let forged = t.path().join("forged.pub");
    std::fs::write(&forged, text.replace(&id, "0123456789abcdef")).unwrap();
    let o = sceau(&["key", "show", s(&forged)]);
    assert_exit(&o, 2);
    let e = stderr(&o);
    assert!(e.contains(&id) && e.contains("0123456789abcdef"), "{e}");
}

#[cfg(unix)]
#[test]
fn world_readable_secret_key_gives_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, _) = keygen(t.path(), "alice");
    let (o, rec) = sign_with(t.path(), &d, &key, &[]);
    assert_exit(&o, 0);
    assert!(
        !stderr(&o).contains("readable by other users"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(&rec).unwrap();

    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (o, _) = sign_with(t.path(), &d, &key, &[]);
    assert_exit(&o, 0);
    let e = stderr(&o);
    assert!(e.contains("warning"), "{e}");
    assert!(e.contains("readable by other users"), "{e}");
    assert!(e.contains("chmod 600"), "{e}");
}

#[test]
fn a_public_key_is_refused_where_a_secret_key_is_needed_and_the_reverse() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let (key, public) = keygen(t.path(), "alice");
    let (o, rec) = sign_with(t.path(), &d, &public, &[]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("a secret key is needed here"),
        "{}",
        stderr(&o)
    );
    assert!(!rec.exists());
    let (o, rec) = sign_with(t.path(), &d, &key, &[]);
    assert_exit(&o, 0);
    let o = sceau(&["verify", s(&d), "--record", s(&rec), "--key", s(&key)]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("a public key is needed here"),
        "{}",
        stderr(&o)
    );
}
