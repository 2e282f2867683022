//! Timing measurements quoted in spec/keys.md (§1.4, §5.6, §5.8); not assertions.
//!
//! `cargo test -p sceau-sign --test cost -- --ignored --nocapture`
//! (the dependencies, which do the work, are optimised even in debug builds).
#![allow(clippy::print_stdout)]

use std::time::Instant;

use sceau_sign::{KeyAlgorithm, SecretKey};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
#[ignore = "timing measurement, run by hand"]
fn sign_and_verify_cost() {
    let msg = vec![7u8; 1024];
    for alg in KeyAlgorithm::ALL {
        let key = SecretKey::generate_with(alg, &mut rand::rngs::OsRng);
        let public = key.public();
        let (mut sign, mut verify) = (Vec::new(), Vec::new());
        for _ in 0..21 {
            let t = Instant::now();
            let sig = key.sign(&msg);
            sign.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            assert!(public.verify(&msg, &sig));
            verify.push(t.elapsed().as_secs_f64() * 1e3);
        }
        println!(
            "{alg}: sign median {:.3} ms, verify median {:.3} ms",
            median(sign),
            median(verify)
        );
    }
}

#[test]
#[ignore = "timing measurement, run by hand"]
fn kdf_cost() {
    use pkcs8::der::Encode;
    // An encrypted PKCS#8 key read through SecretKey::parse, as openssl writes them but with
    // chosen PBKDF2 iterations: the whole read is the KDF's cost.
    let plain = SecretKey::generate(&mut rand::rngs::OsRng).to_pkcs8_pem();
    let der = pkcs8::der::pem::decode_vec(plain.as_bytes()).unwrap().1;
    for iterations in [2048u32, 1_000_000, sceau_sign::MAX_PBKDF2_ITERATIONS] {
        let params = pkcs8::pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(
            iterations,
            b"saltsalt",
            &[1; 16],
        )
        .unwrap();
        let sealed = params.encrypt(b"passphrase", &der).unwrap();
        let info = pkcs8::EncryptedPrivateKeyInfo {
            encryption_algorithm: params.into(),
            encrypted_data: &sealed,
        };
        let pem = pkcs8::der::pem::encode_string(
            "ENCRYPTED PRIVATE KEY",
            pkcs8::der::pem::LineEnding::LF,
            &info.to_der().unwrap(),
        )
        .unwrap();
        let t = Instant::now();
        SecretKey::parse(&pem, || {
            Ok::<_, std::convert::Infallible>(zeroize::Zeroizing::new(b"passphrase".to_vec()))
        })
        .unwrap();
        println!(
            "encrypted PKCS#8, PBKDF2-HMAC-SHA256 {iterations} iterations: {:.0} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let params = scrypt::Params::new(20, 8, 1, 32).unwrap();
    let mut out = [0u8; 104];
    let t = Instant::now();
    scrypt::scrypt(b"passphrase", &[0u8; 32], &params, &mut out).unwrap();
    println!(
        "scrypt N=2^20 r=8 p=1 (minisign's setting, 1 GiB): {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
}
