//! Keys: `sceau keygen`, passphrases, `sceau key show`, OpenSSH and PKCS#8/SPKI imports. Wrong
//! passphrases, truncated key files, world-readable secret keys, keygen over an existing key and
//! weak public keys are cases of the bad-input catalogue (`catalogue::keys`,
//! `catalogue::envelope`).
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// Signs the hf_model fixture in `t` with `key` (and `env`), returning the record path.
fn sign_with(
    t: &Path,
    d: &Path,
    key: &Path,
    env: &[(&str, &str)],
) -> (std::process::Output, PathBuf) {
    let rec = t.join("r.sceau.json");
    let o = sceau_env(
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
    let o = sceau_env(&["key", "show", s(file), "--json"], env);
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
    let raw = b64_decode(f[2]);
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
fn encrypted_key_signs_with_sceau_passphrase() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let base = t.path().join("enc");
    let o = sceau_env(
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
}

/// `--passphrase-file` takes the file's first line (as its help says): the rest of the file,
/// a `\r\n` ending included, is not part of the passphrase. A file over 64 KiB is refused
/// naming it, read no further than the limit.
#[test]
fn passphrase_file_is_its_first_line_and_bounded() {
    let t = tempfile::tempdir().unwrap();
    let base = t.path().join("enc");
    assert_exit(
        &sceau_env(
            &["keygen", "-o", s(&base)],
            &[("SCEAU_PASSPHRASE", "first line")],
        ),
        0,
    );
    let key = t.path().join("enc.key");
    for text in [
        "first line\nsecond line\n",
        "first line\r\nsecond",
        "first line",
    ] {
        let pass = t.path().join("pass.txt");
        std::fs::write(&pass, text).unwrap();
        let o = sceau(&["key", "show", s(&key), "--passphrase-file", s(&pass)]);
        assert_exit(&o, 0);
    }
    let pass = t.path().join("pass.txt");
    std::fs::write(&pass, "second line\nfirst line\n").unwrap();
    let o = sceau(&["key", "show", s(&key), "--passphrase-file", s(&pass)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("passphrase"), "{}", stderr(&o));

    let big = t.path().join("big.txt");
    std::fs::write(&big, vec![b'x'; 64 * 1024 + 1]).unwrap();
    let o = sceau(&["key", "show", s(&key), "--passphrase-file", s(&big)]);
    assert_exit(&o, 2);
    let e = stderr(&o);
    assert!(e.contains(s(&big)) && e.contains("over 65536 bytes"), "{e}");
}

/// Files meant to be published (records, BOMs, public keys) get the mode of any new file (0666
/// less the umask); secret keys 0600 whatever the umask.
#[cfg(unix)]
#[test]
fn published_files_are_readable_and_secret_keys_are_not() {
    use std::os::unix::fs::PermissionsExt as _;
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for umask in ["022", "077", "002"] {
        let dir = t.path().join(format!("u{umask}"));
        std::fs::create_dir(&dir).unwrap();
        let base = dir.join("k");
        let rec = dir.join("r.json");
        let bom = dir.join("bom.json");
        let script = format!(
            "umask {umask} && \"$0\" keygen -o {k} --no-passphrase >/dev/null \
             && \"$0\" sign {d} --key {k}.key -o {rec} -q >/dev/null \
             && \"$0\" scan {d} -o {bom} -q >/dev/null",
            k = s(&base),
            d = s(&d),
            rec = s(&rec),
            bom = s(&bom),
        );
        // A umask is set by a shell: the one sceau run here not made by `Sceau`, with the same
        // fixed environment.
        let ok = fixed_env(Command::new("sh").args(["-c", &script, s(&bin())]))
            .status()
            .unwrap()
            .success();
        assert!(ok, "umask {umask}: a command failed");
        let published = 0o666 & !u32::from_str_radix(umask, 8).unwrap();
        for p in [rec.clone(), bom.clone(), dir.join("k.pub")] {
            assert_eq!(mode(&p), published, "{} under umask {umask}", p.display());
        }
        assert_eq!(
            mode(&dir.join("k.key")),
            0o600,
            "secret key under umask {umask}"
        );
    }
}

#[test]
fn encrypted_key_without_passphrase_or_terminal_names_sceau_passphrase() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let base = t.path().join("enc");
    assert_exit(
        &sceau_env(&["keygen", "-o", s(&base)], &[("SCEAU_PASSPHRASE", "pw")]),
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

/// `sceau keygen --type p256` signs; `verify --key` takes a file of several keys (an
/// `authorized_keys` file with options, an RSA line and the same key twice) and counts each
/// distinct key once (spec/keys.md §8).
#[test]
fn ecdsa_keys_sign_and_a_multi_key_file_verifies_counting_each_key_once() {
    let (t, d) = fixture(sceau_fixtures::hf_model);
    let base = t.path().join("ec");
    let o = sceau(&[
        "keygen",
        "-o",
        s(&base),
        "--type",
        "p256",
        "--no-passphrase",
    ]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("(p256)"), "{}", stdout(&o));
    let (key, public) = (t.path().join("ec.key"), t.path().join("ec.pub"));
    let shown = show(&public, &[]);
    assert_eq!(shown["algorithm"], "p256");
    assert!(std::fs::read_to_string(&public)
        .unwrap()
        .starts_with("sceau-p256 "));
    let (o, rec) = sign_with(t.path(), &d, &key, &[]);
    assert_exit(&o, 0);
    // The DSSE keyid is securesystemslib's default for the key (spec/keys.md §1.3).
    let env: Value = serde_json::from_slice(&std::fs::read(&rec).unwrap()).unwrap();
    assert_eq!(env["signatures"][0]["keyid"], shown["dsse_keyid"]);

    let (_, other) = keygen(t.path(), "other");
    let other_ssh = show(&other, &[])["openssh"].as_str().unwrap().to_owned();
    let file = t.path().join("authorized_keys");
    std::fs::write(
        &file,
        format!(
            "# maintainers\nno-pty,from=\"10.0.0.1\" {} ci@example\n\
             ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC0 rsa@example\n{other_ssh} other\n{}\n",
            shown["openssh"].as_str().unwrap(),
            std::fs::read_to_string(&public).unwrap().trim()
        ),
    )
    .unwrap();
    let (o, r) = verify_json(&[s(&d), "--record", s(&rec), "--key", s(&file)]);
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("ssh-rsa key skipped"), "{}", stderr(&o));
    assert_eq!(r["signers"].as_array().unwrap().len(), 1);
    assert_eq!(r["signers"][0]["key_id"], shown["key_id"]);
    // The same key listed twice is one key: a threshold of 2 is not met by it alone.
    let (o, _) = verify_json(&[
        s(&d),
        "--record",
        s(&rec),
        "--key",
        s(&file),
        "--threshold",
        "2",
    ]);
    assert_exit(&o, 1);
}
