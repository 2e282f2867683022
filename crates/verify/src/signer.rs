//! Who signed: a trusted key's name (from the `--key` file's comment or the policy) and its
//! key id (spec/keys.md §1.1). One type, formatted one way, wherever signers are listed.
use std::fmt;

use sceau_sign::{KeyId, PublicKey};
use serde::{Serialize, Serializer};

/// A trusted key that signed something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signer {
    /// The key's name: the maintainer or certifier name in a policy, the comment of a `--key`
    /// file (its path when it has none).
    pub name: String,
    /// The key's id.
    pub key_id: KeyId,
    /// The key.
    pub key: PublicKey,
}

impl Signer {
    /// A signer.
    pub fn new(name: impl Into<String>, key: PublicKey) -> Signer {
        Signer {
            name: name.into(),
            key_id: key.key_id(),
            key,
        }
    }
}

/// `name (keyid)`.
impl fmt::Display for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.key_id)
    }
}

/// `{"name": …, "key_id": "…"}`.
impl Serialize for Signer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Signer", 2)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("key_id", &self.key_id.to_string())?;
        st.end()
    }
}

/// `a (id), b (id)`: signers for people, comma-separated.
pub fn list(signers: &[Signer]) -> String {
    signers
        .iter()
        .map(Signer::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
