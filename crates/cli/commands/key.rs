//! `sceau key show`: a key's id and public key in every encoding.

use sceau_sign::{KeyFormat, PublicKey};

use crate::args::KeyShowArgs;
use crate::error::CliResult;
use crate::keys::{load_public, load_secret, PassphraseSource};
use crate::render;

/// Runs `sceau key show`.
pub fn show(args: &KeyShowArgs) -> CliResult {
    // Read as any key is: a regular file of bounded size (a FIFO would block, a device never
    // end); only to tell a secret key from a public one, both loaders check it again.
    let bytes = crate::input::read_capped(&args.file, sceau_sign::MAX_KEY_TEXT_BYTES, "key")?;
    let text = String::from_utf8_lossy(&bytes);
    let is_secret = KeyFormat::sniff(&text).is_some_and(KeyFormat::is_secret);
    let (pk, comment): (PublicKey, Option<String>) = if is_secret {
        let src = PassphraseSource {
            file: args.pass.passphrase_file.clone(),
        };
        (load_secret(&args.file, &src)?.public(), None)
    } else {
        load_public(&args.file)?
    };
    let v = serde_json::json!({
        "key_id": pk.key_id().to_string(),
        "algorithm": pk.algorithm().name(),
        "dsse_keyid": pk.dsse_keyid(),
        "sceau": pk.to_sceau_line(comment.as_deref()),
        "openssh": pk.to_openssh(),
        "spki_pem": pk.to_spki_pem(),
        "comment": comment,
    });
    if args.json {
        render::print_json(&v)?;
    } else {
        outln!("key id: {}", pk.key_id());
        outln!("algorithm: {}", pk.algorithm());
        outln!("dsse keyid: {}", pk.dsse_keyid());
        if let Some(c) = &comment {
            outln!("comment: {}", crate::input::clean(c));
        }
        outln!("sceau:   {}", pk.to_sceau_line(comment.as_deref()));
        outln!("openssh: {}", pk.to_openssh());
        out!("spki:\n{}", pk.to_spki_pem());
    }
    Ok(0)
}
