//! Live round trips with the real tools, on keys they make fresh for each run: sceau signs with
//! the tool's secret key and the tool verifies with its public key, and the reverse
//! (spec/keys.md §5). The committed vectors of `tool_keys.rs` need no tool; these do.
//!
//! Tools are found through `SCEAU_MINISIGN`, `SCEAU_SIGNIFY`, `SCEAU_SSH_KEYGEN` and
//! `SCEAU_OPENSSL`, else by their names on the PATH (`minisign`, `signify-openbsd`,
//! `ssh-keygen`, `openssl`; Debian packages minisign, signify-openbsd, openssh-client,
//! openssl). A missing tool makes its test print "skipped" and pass, unless
//! `SCEAU_REQUIRE_INTEROP=1` (CI), where it fails.
#![allow(clippy::print_stderr)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sceau_sign::{BoxError, KeyAlgorithm, PublicKey, SecretKey};
use zeroize::Zeroizing;

/// The tool named by `var`, else `default`, if it runs; `None` (with a note) when it does not
/// and interop is not required.
fn tool(var: &str, default: &str, probe: &[&str]) -> Option<String> {
    let exe = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    match Command::new(&exe)
        .args(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(_) => Some(exe),
        Err(e) => {
            if std::env::var("SCEAU_REQUIRE_INTEROP").as_deref() == Ok("1") {
                panic!("SCEAU_REQUIRE_INTEROP=1 but {exe} cannot run: {e} (set {var})");
            }
            eprintln!("skipped: cannot run {exe} ({e}); install it or set {var}");
            None
        }
    }
}

/// Runs `exe args` with `stdin`, expecting success.
fn ok(exe: &str, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(exe)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{exe}: {e}"));
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{exe} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn pass(p: &'static [u8]) -> impl FnOnce() -> Result<Zeroizing<Vec<u8>>, BoxError> {
    move || Ok(Zeroizing::new(p.to_vec()))
}

fn never() -> Result<Zeroizing<Vec<u8>>, BoxError> {
    panic!("the passphrase must not be asked for")
}

/// A DSSE PAE to sign, in a file.
fn message(dir: &Path) -> (Vec<u8>, PathBuf) {
    let env = sceau_core::dsse::Envelope::new(
        sceau_core::dsse::PAYLOAD_TYPE_INTOTO,
        br#"{"fresh":true}"#.to_vec(),
    );
    let path = dir.join("pae.bin");
    std::fs::write(&path, env.pae()).unwrap();
    (env.pae(), path)
}

/// The `Ed` ‖ key number of a minisign or signify public key file.
fn key_number(pub_file: &Path) -> Vec<u8> {
    let text = read(pub_file);
    let bytes = STANDARD.decode(text.lines().nth(1).unwrap()).unwrap();
    bytes[..10].to_vec()
}

/// The signature of a minisign or signify signature file.
fn tool_signature(sig_file: &Path) -> Vec<u8> {
    let bytes = STANDARD
        .decode(read(sig_file).lines().nth(1).unwrap())
        .unwrap();
    bytes[10..].to_vec()
}

#[test]
fn minisign_verifies_what_sceau_signs_with_a_minisign_key_and_the_reverse() {
    let Some(minisign) = tool("SCEAU_MINISIGN", "minisign", &["-v"]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (pae, pae_path) = message(dir.path());
    let (pk, sk) = (dir.path().join("m.pub"), dir.path().join("m.key"));
    ok(&minisign, &["-G", "-W", "-p", s(&pk), "-s", s(&sk)], b"");
    let (key, _) = SecretKey::parse(&read(&sk), never).unwrap();
    let (public, _) = PublicKey::parse(&read(&pk)).unwrap();
    assert_eq!(key.public(), public);

    // sceau signs the PAE with minisign's secret key, in minisign's legacy signature format:
    // the signature, then a global signature over it and the trusted comment.
    let sig = key.sign(&pae);
    let trusted = b"signed by sceau";
    let global = key.sign(&[sig.as_slice(), trusted].concat());
    let mut line = key_number(&pk);
    line.extend_from_slice(&sig);
    let sig_file = dir.path().join("pae.bin.minisig");
    std::fs::write(
        &sig_file,
        format!(
            "untrusted comment: signature from sceau\n{}\ntrusted comment: {}\n{}\n",
            STANDARD.encode(&line),
            std::str::from_utf8(trusted).unwrap(),
            STANDARD.encode(&global)
        ),
    )
    .unwrap();
    ok(
        &minisign,
        &["-V", "-p", s(&pk), "-x", s(&sig_file), "-m", s(&pae_path)],
        b"",
    );

    // minisign signs (legacy: plain Ed25519 over the file); sceau verifies.
    let theirs = dir.path().join("theirs.minisig");
    ok(
        &minisign,
        &[
            "-S",
            "-l",
            "-s",
            s(&sk),
            "-x",
            s(&theirs),
            "-m",
            s(&pae_path),
        ],
        b"",
    );
    assert!(public.verify(&pae, &tool_signature(&theirs)));
}

#[test]
fn signify_verifies_what_sceau_signs_with_a_signify_key_and_the_reverse() {
    let Some(signify) = tool("SCEAU_SIGNIFY", "signify-openbsd", &[]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (pae, pae_path) = message(dir.path());
    let (pk, sk) = (dir.path().join("s.pub"), dir.path().join("s.sec"));
    // Encrypted with the default 42 bcrypt-pbkdf rounds; the passphrase comes on stdin.
    ok(
        &signify,
        &["-G", "-c", "fresh", "-p", s(&pk), "-s", s(&sk)],
        b"fresh pass\nfresh pass\n",
    );
    let (key, _) = SecretKey::parse(&read(&sk), pass(b"fresh pass")).unwrap();
    let (public, _) = PublicKey::parse(&read(&pk)).unwrap();
    assert_eq!(key.public(), public);

    let mut line = key_number(&pk);
    line.extend_from_slice(&key.sign(&pae));
    let sig_file = dir.path().join("pae.bin.sig");
    std::fs::write(
        &sig_file,
        format!(
            "untrusted comment: verify with s.pub\n{}\n",
            STANDARD.encode(&line)
        ),
    )
    .unwrap();
    ok(
        &signify,
        &["-V", "-p", s(&pk), "-x", s(&sig_file), "-m", s(&pae_path)],
        b"",
    );

    let theirs = dir.path().join("theirs.sig");
    ok(
        &signify,
        &["-S", "-s", s(&sk), "-x", s(&theirs), "-m", s(&pae_path)],
        b"fresh pass\n",
    );
    assert!(public.verify(&pae, &tool_signature(&theirs)));
}

/// openssl's `dgst` option for an ECDSA key's hash.
fn digest(alg: KeyAlgorithm) -> &'static str {
    match alg {
        KeyAlgorithm::EcdsaP384 => "-sha384",
        KeyAlgorithm::EcdsaP521 => "-sha512",
        _ => "-sha256",
    }
}

/// Whether openssl verifies `sig` over `data` under the SPKI PEM `pem`.
fn openssl_verifies(openssl: &str, alg: KeyAlgorithm, pem: &Path, sig: &Path, data: &Path) {
    if alg == KeyAlgorithm::Ed25519 {
        ok(
            openssl,
            &[
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                s(pem),
                "-rawin",
                "-in",
                s(data),
                "-sigfile",
                s(sig),
            ],
            b"",
        );
    } else {
        ok(
            openssl,
            &[
                "dgst",
                digest(alg),
                "-verify",
                s(pem),
                "-signature",
                s(sig),
                s(data),
            ],
            b"",
        );
    }
}

#[test]
fn ssh_keygen_ecdsa_keys_sign_for_sceau_and_openssl_verifies_sceau() {
    let Some(ssh_keygen) = tool("SCEAU_SSH_KEYGEN", "ssh-keygen", &["-?"]) else {
        return;
    };
    let Some(openssl) = tool("SCEAU_OPENSSL", "openssl", &["version"]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (pae, pae_path) = message(dir.path());
    for (alg, bits) in [
        (KeyAlgorithm::EcdsaP256, "256"),
        (KeyAlgorithm::EcdsaP384, "384"),
        (KeyAlgorithm::EcdsaP521, "521"),
    ] {
        let sk = dir.path().join(format!("ecdsa-{bits}"));
        ok(
            &ssh_keygen,
            &[
                "-q",
                "-t",
                "ecdsa",
                "-b",
                bits,
                "-N",
                "fresh pass",
                "-C",
                "fresh",
                "-f",
                s(&sk),
            ],
            b"",
        );
        let pk = PathBuf::from(format!("{}.pub", s(&sk)));
        let (key, comment) = SecretKey::parse(&read(&sk), pass(b"fresh pass")).unwrap();
        let (public, _) = PublicKey::parse(&read(&pk)).unwrap();
        assert_eq!((key.public(), comment.as_deref()), (public, Some("fresh")));
        assert_eq!(key.algorithm(), alg);
        // ssh-keygen's PKCS#8 export of the public key is the same key.
        let exported = ok(&ssh_keygen, &["-e", "-m", "PKCS8", "-f", s(&pk)], b"");
        let pem = String::from_utf8(exported.stdout).unwrap();
        assert_eq!(PublicKey::parse(&pem).unwrap().0, public);
        let pem_path = dir.path().join(format!("ecdsa-{bits}.pem"));
        std::fs::write(&pem_path, &pem).unwrap();
        // openssl verifies sceau's DER signature made with the ssh-keygen key.
        let sig_path = dir.path().join(format!("ecdsa-{bits}.sig"));
        std::fs::write(&sig_path, key.sign(&pae)).unwrap();
        openssl_verifies(&openssl, alg, &pem_path, &sig_path, &pae_path);
    }
}

#[test]
fn openssl_and_sceau_read_each_others_keys_and_verify_each_others_signatures() {
    let Some(openssl) = tool("SCEAU_OPENSSL", "openssl", &["version"]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (pae, pae_path) = message(dir.path());
    for (alg, genpkey) in [
        (KeyAlgorithm::Ed25519, &["-algorithm", "ed25519"][..]),
        (
            KeyAlgorithm::EcdsaP256,
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        ),
        (
            KeyAlgorithm::EcdsaP384,
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
        ),
        (
            KeyAlgorithm::EcdsaP521,
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
        ),
    ] {
        let name = alg.name();
        // openssl makes an encrypted key (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC).
        let sk = dir.path().join(format!("{name}.pem"));
        let mut args = vec!["genpkey"];
        args.extend_from_slice(genpkey);
        args.extend_from_slice(&["-aes-256-cbc", "-pass", "pass:fresh pass", "-out", s(&sk)]);
        ok(&openssl, &args, b"");
        let pk = dir.path().join(format!("{name}.pub.pem"));
        ok(
            &openssl,
            &[
                "pkey",
                "-in",
                s(&sk),
                "-passin",
                "pass:fresh pass",
                "-pubout",
                "-out",
                s(&pk),
            ],
            b"",
        );
        let (key, _) = SecretKey::parse(&read(&sk), pass(b"fresh pass")).unwrap();
        let (public, _) = PublicKey::parse(&read(&pk)).unwrap();
        assert_eq!((key.public(), key.algorithm()), (public, alg));
        assert_eq!(
            public.to_spki_pem(),
            read(&pk),
            "{name}: sceau writes openssl's SPKI"
        );

        // openssl verifies sceau's signature…
        let ours = dir.path().join(format!("{name}.sceau.sig"));
        std::fs::write(&ours, key.sign(&pae)).unwrap();
        openssl_verifies(&openssl, alg, &pk, &ours, &pae_path);
        // …and sceau verifies openssl's.
        let theirs = dir.path().join(format!("{name}.openssl.sig"));
        if alg == KeyAlgorithm::Ed25519 {
            ok(
                &openssl,
                &[
                    "pkeyutl",
                    "-sign",
                    "-inkey",
                    s(&sk),
                    "-passin",
                    "pass:fresh pass",
                    "-rawin",
                    "-in",
                    s(&pae_path),
                    "-out",
                    s(&theirs),
                ],
                b"",
            );
        } else {
            ok(
                &openssl,
                &[
                    "dgst",
                    digest(alg),
                    "-sign",
                    s(&sk),
                    "-passin",
                    "pass:fresh pass",
                    "-out",
                    s(&theirs),
                    s(&pae_path),
                ],
                b"",
            );
        }
        assert!(
            public.verify(&pae, &std::fs::read(&theirs).unwrap()),
            "{name}"
        );

        // openssl reads the unencrypted PKCS#8 sceau writes, to the same public key.
        let plain = dir.path().join(format!("{name}.sceau.pem"));
        std::fs::write(&plain, key.to_pkcs8_pem().as_bytes()).unwrap();
        let out = ok(&openssl, &["pkey", "-in", s(&plain), "-pubout"], b"");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), public.to_spki_pem());
    }
}
