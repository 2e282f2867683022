//! sceau licences as SPDX 3.0.1 `simplelicensing_LicenseExpression`s (spec/spdx.md §4).
use sceau_core::Licence;

/// A licence expression as SPDX writes it, with the `LicenseRef-` ids it uses mapped to where
/// their text lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expression {
    /// The expression (`Apache-2.0`, `MIT OR Apache-2.0`, `LicenseRef-llama3.1`).
    pub expression: String,
    /// `(LicenseRef-id, URL)` for a named licence whose link is an http(s) URL.
    pub custom_id_to_uri: Option<(String, String)>,
    /// For a named licence: its sceau id as written (the `LicenseRef-` id may differ).
    pub named_id: Option<String>,
}

/// The SPDX expression of a sceau licence.
///
/// An SPDX licence ([`Licence::Spdx`]) is its expression unchanged. A named licence
/// ([`Licence::Named`], which SPDX does not list) becomes `LicenseRef-` followed by its id made
/// into an SPDX idstring ([`license_ref`]); its link, when an http(s) URL, is recorded as the
/// URI of that id.
pub fn expression(l: &Licence) -> Expression {
    match l {
        Licence::Spdx { expression } => Expression {
            expression: expression.clone(),
            custom_id_to_uri: None,
            named_id: None,
        },
        Licence::Named { id, url, .. } => {
            let r = license_ref(id);
            Expression {
                custom_id_to_uri: url
                    .as_ref()
                    .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                    .map(|u| (r.clone(), u.clone())),
                expression: r,
                named_id: Some(id.clone()),
            }
        }
    }
}

/// `LicenseRef-` and `id` made into an SPDX idstring (letters, digits, `-` and `.` only): `+`
/// becomes `-plus`, any other character outside the set becomes `-`; an id with nothing left
/// becomes `LicenseRef-unnamed`. `llama3.1` → `LicenseRef-llama3.1`, `openrail++` →
/// `LicenseRef-openrail-plus-plus`, `My licence` → `LicenseRef-My-licence`.
pub fn license_ref(id: &str) -> String {
    let mut out = String::from("LicenseRef-");
    let start = out.len();
    for c in id.trim().chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '.' => out.push(c),
            '+' => out.push_str("-plus"),
            _ => out.push('-'),
        }
    }
    if out.len() == start {
        out.push_str("unnamed");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_licences_become_licence_refs() {
        assert_eq!(license_ref("llama3.1"), "LicenseRef-llama3.1");
        assert_eq!(license_ref("openrail++"), "LicenseRef-openrail-plus-plus");
        assert_eq!(license_ref(" My licence_v2 "), "LicenseRef-My-licence-v2");
        assert_eq!(license_ref(""), "LicenseRef-unnamed");
        assert_eq!(license_ref("é"), "LicenseRef--");
        let e = expression(&Licence::Named {
            id: "llama3.1".into(),
            url: Some("https://example.org/LICENSE".into()),
            file: None,
        });
        assert_eq!(e.expression, "LicenseRef-llama3.1");
        assert_eq!(
            e.custom_id_to_uri,
            Some((
                "LicenseRef-llama3.1".into(),
                "https://example.org/LICENSE".into()
            ))
        );
        let local = expression(&Licence::Named {
            id: "gemma".into(),
            url: Some("LICENSE".into()),
            file: None,
        });
        assert_eq!(local.custom_id_to_uri, None, "only http(s) links are URIs");
        let spdx = expression(&Licence::Spdx {
            expression: "MIT OR Apache-2.0".into(),
        });
        assert_eq!(
            (spdx.expression.as_str(), spdx.named_id),
            ("MIT OR Apache-2.0", None)
        );
    }
}
