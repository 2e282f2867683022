//! The pre-authentication encoding `model_signing` 0.2 signed by mistake (spec/oms.md §6.3).
//!
//! Version 0.2 formatted the payload bytes into a Python string, so what it signed was
//! `DSSEV1 <len(type)> <type> <len(payload)> b'<payload, escaped as repr() escapes bytes>'`
//! (note the capital `V`). `model_signing` still verifies such signatures; so does sceau, for
//! statements in the v0.2 layout only.

/// `repr(bytes)` as CPython writes it: `b'…'`, or `b"…"` when the bytes hold `'` but no `"`;
/// `\\`, the quote, `\t`, `\n`, `\r` escaped; other bytes outside 0x20..0x7e as `\xhh`.
pub(crate) fn python_bytes_repr(data: &[u8]) -> String {
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(data.len() + 3);
    out.push('b');
    out.push(quote);
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if b as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}

/// The v0.2 PAE of `payload` of type `payload_type`.
pub(crate) fn pae_v0_2(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    format!(
        "DSSEV1 {} {} {} {}",
        payload_type.len(),
        payload_type,
        payload.len(),
        python_bytes_repr(payload)
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_cpython() {
        // Expected strings are what CPython 3 prints for repr() of these bytes.
        assert_eq!(python_bytes_repr(b"ab"), "b'ab'");
        assert_eq!(python_bytes_repr(b"a'b"), "b\"a'b\"");
        assert_eq!(python_bytes_repr(b"a'\"b"), "b'a\\'\"b'");
        assert_eq!(
            python_bytes_repr(b"{\n  \"x\": 1\t}\r\\"),
            "b'{\\n  \"x\": 1\\t}\\r\\\\'"
        );
        assert_eq!(
            python_bytes_repr(&[0, 0x7f, 0xe9, 0x1f]),
            "b'\\x00\\x7f\\xe9\\x1f'"
        );
        assert_eq!(pae_v0_2("t", b"x"), b"DSSEV1 1 t 1 b'x'".to_vec());
    }
}
