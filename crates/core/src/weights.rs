//! What a weight file's header says, read without loading the weights (spec/scan.md §5).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The container format of a weight file whose header sceau reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeightFormat {
    /// Hugging Face safetensors.
    Safetensors,
    /// GGML universal file format.
    Gguf,
}

impl WeightFormat {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            WeightFormat::Safetensors => "safetensors",
            WeightFormat::Gguf => "gguf",
        }
    }
}

/// Facts from a weight file's header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightInfo {
    /// The container format.
    pub format: WeightFormat,
    /// Number of tensors.
    pub tensor_count: u64,
    /// Total number of parameters (sum over tensors of the product of their dimensions).
    pub parameter_count: u64,
    /// Parameters per element type (`F32`, `BF16`, `Q4_K`, …).
    pub dtypes: BTreeMap<String, u64>,
    /// `general.architecture` (GGUF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// `general.file_type` as a quantisation name (GGUF), e.g. `MOSTLY_Q4_K_M`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_type: Option<String>,
}

/// Longest `sceau:weights.fingerprint` value read or written, in bytes of base64
/// (spec/fingerprint.md §5.4): about 11 000 tensors at K = 256. A file whose fingerprint would
/// be longer is recorded as not fingerprinted.
pub const MAX_FINGERPRINT_VALUE_BYTES: usize = 8 << 20;

/// Longest `sceau:weights.fingerprint.skipped` reason, in bytes.
pub const MAX_FINGERPRINT_REASON_BYTES: usize = 1024;

/// A weight file's fingerprint as a record carries it (spec/fingerprint.md §5.4, spec/bom.md §3).
///
/// The value is kept as the base64 text of the BOM: this crate checks its form and its size
/// (strict base64 alphabet and padding, at most [`MAX_FINGERPRINT_VALUE_BYTES`]) but does not
/// decode it; `sceau-fingerprint` does (`Fingerprint::from_bom_value`), so that a record
/// carrying a fingerprint version a verifier does not know still reads back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum WeightPrint {
    /// The fingerprint, as the base64 text of its stored form (spec/fingerprint.md §5.2).
    Recorded {
        /// Standard base64, padded.
        value: String,
    },
    /// The weight file could not be fingerprinted (a header sceau cannot read, a format with
    /// no tensors it samples, a fingerprint over the size limit); the record says why.
    Skipped {
        /// Why, for people: one line, no control characters, at most
        /// [`MAX_FINGERPRINT_REASON_BYTES`].
        reason: String,
    },
}

/// Why a fingerprint value or reason is not as sceau writes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WeightPrintError {
    /// The value is longer than [`MAX_FINGERPRINT_VALUE_BYTES`].
    #[error("fingerprint value of {len} bytes, over the limit of {MAX_FINGERPRINT_VALUE_BYTES}")]
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The value is empty, holds a character outside the standard base64 alphabet, or is not
    /// padded to a multiple of four characters.
    #[error("fingerprint value is not padded standard base64 ({why})")]
    NotBase64 {
        /// What is wrong.
        why: &'static str,
    },
    /// The reason is empty, too long, or holds control characters.
    #[error("fingerprint skip reason refused: {why}")]
    BadReason {
        /// What is wrong.
        why: &'static str,
    },
}

impl WeightPrint {
    /// A recorded fingerprint, its form checked (see [`WeightPrint::check`]).
    pub fn recorded(value: String) -> Result<WeightPrint, WeightPrintError> {
        let p = WeightPrint::Recorded { value };
        p.check()?;
        Ok(p)
    }

    /// A skip reason: control characters become spaces and the text is cut to
    /// [`MAX_FINGERPRINT_REASON_BYTES`] on a character boundary, so that any error message
    /// can be recorded.
    pub fn skipped(reason: &str) -> WeightPrint {
        let mut r: String = reason
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let r2 = r.trim();
        if r2.len() != r.len() {
            r = r2.to_owned();
        }
        if r.is_empty() {
            r = "not fingerprinted".into();
        }
        if r.len() > MAX_FINGERPRINT_REASON_BYTES {
            let mut end = MAX_FINGERPRINT_REASON_BYTES;
            while !r.is_char_boundary(end) {
                end -= 1;
            }
            r.truncate(end);
        }
        WeightPrint::Skipped { reason: r }
    }

    /// Checks the form sceau writes (spec/bom.md §5): a value of padded standard base64, not
    /// empty, at most [`MAX_FINGERPRINT_VALUE_BYTES`]; a reason of 1 to
    /// [`MAX_FINGERPRINT_REASON_BYTES`] bytes without control characters or surrounding
    /// whitespace. Cost: one pass over the text.
    pub fn check(&self) -> Result<(), WeightPrintError> {
        match self {
            WeightPrint::Recorded { value } => {
                if value.len() > MAX_FINGERPRINT_VALUE_BYTES {
                    return Err(WeightPrintError::TooLong { len: value.len() });
                }
                let b = value.as_bytes();
                if b.is_empty() || b.len() % 4 != 0 {
                    return Err(WeightPrintError::NotBase64 {
                        why: "length not a positive multiple of 4",
                    });
                }
                let pad = b.iter().rev().take_while(|&&c| c == b'=').count();
                if pad > 2 {
                    return Err(WeightPrintError::NotBase64 {
                        why: "more than two padding characters",
                    });
                }
                let body = &b[..b.len() - pad];
                if !body
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
                {
                    return Err(WeightPrintError::NotBase64 {
                        why: "character outside the standard alphabet",
                    });
                }
                Ok(())
            }
            WeightPrint::Skipped { reason } => {
                if reason.is_empty() || reason.len() > MAX_FINGERPRINT_REASON_BYTES {
                    return Err(WeightPrintError::BadReason {
                        why: "empty or over 1024 bytes",
                    });
                }
                if reason.chars().any(char::is_control) || reason.trim() != reason {
                    return Err(WeightPrintError::BadReason {
                        why: "control characters or surrounding whitespace",
                    });
                }
                Ok(())
            }
        }
    }

    /// The base64 value, when recorded.
    pub fn value(&self) -> Option<&str> {
        match self {
            WeightPrint::Recorded { value } => Some(value),
            WeightPrint::Skipped { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_values_are_strict_base64_and_bounded() {
        assert!(WeightPrint::recorded("U0NGUAE=".into()).is_ok());
        for bad in [
            "",
            "U0NGUAE",
            "U0NG UAE=",
            "U0NGU===",
            "U0-_UAE=",
            "====",
            "A===",
        ] {
            assert!(WeightPrint::recorded(bad.into()).is_err(), "{bad:?}");
        }
        let long = "A".repeat(MAX_FINGERPRINT_VALUE_BYTES + 4);
        assert!(matches!(
            WeightPrint::recorded(long),
            Err(WeightPrintError::TooLong { .. })
        ));
    }

    #[test]
    fn skip_reasons_are_cleaned_and_cut() {
        let r = WeightPrint::skipped("bad\nheader\u{7}");
        assert_eq!(
            r,
            WeightPrint::Skipped {
                reason: "bad header".into()
            }
        );
        assert!(r.check().is_ok());
        let long = WeightPrint::skipped(&"é".repeat(2000));
        assert!(long.check().is_ok());
        assert!(WeightPrint::Skipped {
            reason: "x\ny".into()
        }
        .check()
        .is_err());
        assert!(WeightPrint::Skipped {
            reason: String::new()
        }
        .check()
        .is_err());
    }
}
