//! The PEM armour of SPKI and PKCS#8 keys (RFC 7468, strict form; spec/keys.md §5.3–§5.4).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use zeroize::Zeroizing;

use crate::error::KeyError;
use crate::format::KeyFormat;

/// The DER body of a PEM document labelled `label`. Only blank lines may surround it;
/// RFC 1421 headers (`Proc-Type:` …) are refused. The body is returned in a zeroizing
/// buffer because it may hold a secret key.
pub(crate) fn decode(
    text: &str,
    label: &str,
    format: KeyFormat,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut lines = text.lines().map(str::trim).skip_while(|l| l.is_empty());
    if lines.next() != Some(begin.as_str()) {
        return Err(KeyError::malformed(
            format,
            format!("does not start with {begin}"),
        ));
    }
    // Sized up front so that no copy of a secret is left behind by a reallocation.
    let mut body = Zeroizing::new(String::with_capacity(text.len()));
    let mut ended = false;
    for line in lines.by_ref() {
        if line == end {
            ended = true;
            break;
        }
        if line.contains(':') {
            if line.starts_with("Proc-Type:") && line.contains("ENCRYPTED") {
                return Err(KeyError::UnsupportedEncryption {
                    format,
                    detail: "the key is encrypted with OpenSSL's legacy PEM encryption \
                             (Proc-Type: 4,ENCRYPTED), which sceau does not read; convert it to \
                             encrypted PKCS#8, which sceau reads: \
                             `openssl pkcs8 -topk8 -in KEY -out NEW.pem`",
                });
            }
            return Err(KeyError::malformed(format, "PEM headers are not supported"));
        }
        body.push_str(line);
    }
    if !ended {
        return Err(KeyError::Truncated {
            format,
            missing: "the -----END----- line",
        });
    }
    if lines.any(|l| !l.is_empty()) {
        return Err(KeyError::malformed(format, format!("text follows {end}")));
    }
    STANDARD
        .decode(body.as_bytes())
        .map(Zeroizing::new)
        .map_err(|e| KeyError::malformed_by(format, "the PEM body is not base64", e))
}

/// Splits a text that opens with a whole `label` PEM block into that block and the rest
/// (`openssl ecparam -genkey` writes an `EC PARAMETERS` block before the key). `None` when
/// the text does not open with such a block.
pub(crate) fn split_leading_block<'a>(text: &'a str, label: &str) -> Option<(&'a str, &'a str)> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    if !text.trim_start().starts_with(&begin) {
        return None;
    }
    let at = text.find(&end)?.checked_add(end.len())?;
    Some((text.get(..at)?, text.get(at..)?))
}

/// A PEM document with the standard 64-column body, ending in a newline.
pub(crate) fn encode(label: &str, der: &[u8]) -> Zeroizing<String> {
    let b64 = Zeroizing::new(STANDARD.encode(der));
    let mut out = Zeroizing::new(String::with_capacity(
        2 * label.len() + b64.len() * 65 / 64 + 40,
    ));
    out.push_str(&format!("-----BEGIN {label}-----\n"));
    for chunk in b64.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_wraps_at_64_columns() {
        let der = vec![7u8; 100];
        let text = encode("THING", &der);
        assert!(text.lines().all(|l| l.len() <= 64));
        assert_eq!(*decode(&text, "THING", KeyFormat::SpkiPem).unwrap(), der);
    }

    #[test]
    fn refuses_missing_end_headers_and_trailing_text() {
        let f = KeyFormat::SpkiPem;
        let cut = "-----BEGIN THING-----\nBwcH\n";
        assert!(matches!(
            decode(cut, "THING", f),
            Err(KeyError::Truncated { .. })
        ));
        let hdr = "-----BEGIN THING-----\nComment: hello\nBwcH\n-----END THING-----\n";
        assert!(matches!(
            decode(hdr, "THING", f),
            Err(KeyError::Malformed { .. })
        ));
        let tail = "-----BEGIN THING-----\nBwcH\n-----END THING-----\nmore\n";
        assert!(matches!(
            decode(tail, "THING", f),
            Err(KeyError::Malformed { .. })
        ));
        let legacy = "-----BEGIN THING-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\
                      BwcH\n-----END THING-----\n";
        assert!(matches!(
            decode(legacy, "THING", f),
            Err(KeyError::UnsupportedEncryption { .. })
        ));
        let other = "-----BEGIN OTHER-----\nBwcH\n-----END OTHER-----\n";
        assert!(matches!(
            decode(other, "THING", f),
            Err(KeyError::Malformed { .. })
        ));
    }

    #[test]
    fn splits_a_leading_block() {
        let text = "-----BEGIN A-----\nBwcH\n-----END A-----\n-----BEGIN B-----\n";
        let (a, rest) = split_leading_block(text, "A").unwrap();
        assert_eq!(a, "-----BEGIN A-----\nBwcH\n-----END A-----");
        assert_eq!(rest, "\n-----BEGIN B-----\n");
        assert!(split_leading_block(text, "B").is_none());
        assert!(split_leading_block("-----BEGIN A-----\nBwcH\n", "A").is_none());
    }
}
