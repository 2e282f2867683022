//! Names people read: release names and versions, maintainer and certifier names, standard and
//! requirement ids. A name that prints like another is a way to bend a verdict (`org/model` and
//! `org/model` + U+200B look the same, fall under different policy scopes, and name different
//! state entries), so such names are refused wherever they are read (spec/record.md §2.7):
//! no control characters, no invisible format characters (zero-width spaces and joiners, bidi
//! embeddings, overrides and isolates, the byte order mark, …), no line or paragraph separators,
//! no leading or trailing whitespace, and Unicode NFC, so that one name has one encoding.
use unicode_normalization::is_nfc;

/// Why a name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// Empty.
    #[error("it is empty")]
    Empty,
    /// A control character (C0, DEL, C1).
    #[error("it contains the control character U+{:04X}", *.0 as u32)]
    Control(char),
    /// An invisible format character or separator.
    #[error("it contains the invisible character U+{:04X} ({})", *.0 as u32, describe(*.0))]
    Invisible(char),
    /// Whitespace at either end.
    #[error("it starts or ends with whitespace")]
    Whitespace,
    /// Not in Unicode Normalization Form C.
    #[error("it is not in Unicode NFC (the same name could be written two ways)")]
    NotNfc,
}

/// Whether `c` is an invisible format character (Unicode general category Cf, Unicode 15.1)
/// or a line or paragraph separator (Zl, Zp), or a blank that renders as nothing (Hangul
/// fillers).
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x0600..=0x0605 | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2
        | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF9..=0xFFFB
        | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0001 | 0xE0020..=0xE007F | 0xE0100..=0xE01EF)
}

fn describe(c: char) -> &'static str {
    match c as u32 {
        0x200B => "zero-width space",
        0x200C => "zero-width non-joiner",
        0x200D => "zero-width joiner",
        0x200E | 0x200F | 0x061C => "direction mark",
        0x202A..=0x202E => "bidirectional embedding or override",
        0x2066..=0x2069 => "bidirectional isolate",
        0xFEFF => "byte order mark",
        0x00AD => "soft hyphen",
        0x2028 | 0x2029 => "line or paragraph separator",
        0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0x180B..=0x180F => "variation selector",
        _ => "format character",
    }
}

/// Checks a name people read (the module docs).
pub fn check_name(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(NameError::Control(c));
    }
    if let Some(c) = name.chars().find(|c| is_invisible(*c)) {
        return Err(NameError::Invisible(c));
    }
    if name.trim() != name {
        return Err(NameError::Whitespace);
    }
    if !is_nfc(name) {
        return Err(NameError::NotNfc);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_are_refused() {
        assert_eq!(check_name("org/model"), Ok(()));
        assert_eq!(check_name("équipe/modèle"), Ok(()));
        assert_eq!(
            check_name("org/model\u{200B}"),
            Err(NameError::Invisible('\u{200B}'))
        );
        assert_eq!(
            check_name("org/\u{202E}ledom"),
            Err(NameError::Invisible('\u{202E}'))
        );
        assert_eq!(
            check_name("\u{FEFF}org/model"),
            Err(NameError::Invisible('\u{FEFF}'))
        );
        assert_eq!(
            check_name("org/mo\u{1b}del"),
            Err(NameError::Control('\u{1b}'))
        );
        assert_eq!(check_name(" org/model"), Err(NameError::Whitespace));
        // e + combining acute (NFD) against é (NFC).
        assert_eq!(check_name("e\u{301}quipe/m"), Err(NameError::NotNfc));
        assert_eq!(check_name(""), Err(NameError::Empty));
        let e = check_name("a\u{200D}b").unwrap_err().to_string();
        assert!(
            e.contains("U+200D") && e.contains("zero-width joiner"),
            "{e}"
        );
    }
}
