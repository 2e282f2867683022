//! PEM blocks (RFC 7468), found among other text as OpenSSL finds them (spec/oms.md §6.1).
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::error::KeyError;

/// Largest PEM file read (a CA bundle may hold a few hundred certificates).
pub(crate) const MAX_PEM_BYTES: usize = 4 * 1024 * 1024;

/// The DER bodies of every `-----BEGIN {label}-----` block in `text`, in order. Text outside
/// the blocks is skipped (`certtool` writes a description before the key).
pub(crate) fn blocks(text: &[u8], label: &'static str) -> Result<Vec<Vec<u8>>, KeyError> {
    if text.len() > MAX_PEM_BYTES {
        return Err(KeyError::TooLarge {
            what: "PEM input",
            len: text.len(),
            max: MAX_PEM_BYTES,
        });
    }
    let text = String::from_utf8_lossy(text);
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while let Some(i) = rest.find(&begin) {
        let body_start = i + begin.len();
        let Some(j) = rest[body_start..].find(&end) else {
            return Err(KeyError::PemBase64(label));
        };
        let body: String = rest[body_start..body_start + j]
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        out.push(
            STANDARD
                .decode(body)
                .map_err(|_| KeyError::PemBase64(label))?,
        );
        rest = &rest[body_start + j + end.len()..];
    }
    Ok(out)
}

/// Encodes `der` as a PEM block the way Python's `cryptography` (OpenSSL) writes it:
/// 64-character lines, a final newline.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_found_among_text_and_round_trip() {
        let der: Vec<u8> = (0..=255u8).collect();
        let pem = encode("PUBLIC KEY", &der);
        assert!(pem.lines().all(|l| l.len() <= 64 || l.starts_with("-----")));
        let text = format!("Public Key Information:\n\tjunk\n{pem}trailer");
        assert_eq!(blocks(text.as_bytes(), "PUBLIC KEY").unwrap(), vec![der]);
        assert!(blocks(
            b"-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----",
            "PUBLIC KEY"
        )
        .is_err());
        assert!(blocks(b"-----BEGIN PUBLIC KEY-----\nAAAA", "PUBLIC KEY").is_err());
        assert!(blocks(b"nothing", "CERTIFICATE").unwrap().is_empty());
    }
}
