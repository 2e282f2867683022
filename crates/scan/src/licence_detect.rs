//! Identifying licence files by their text (spec/scan.md §7), with the `spdx` crate's
//! detection store (askalono's algorithm, licence texts embedded in the binary).
use std::sync::OnceLock;

use sceau_core::LicenceDetection;

/// Largest licence text examined.
pub const MAX_LICENCE_TEXT: usize = 256 * 1024;
/// Scores below this are not reported as a match.
pub const MIN_CONFIDENCE: f32 = 0.8;

fn store() -> Option<&'static spdx::detection::Store> {
    static STORE: OnceLock<Option<spdx::detection::Store>> = OnceLock::new();
    STORE
        .get_or_init(|| spdx::detection::Store::load_inline().ok())
        .as_ref()
}

/// The known licence `text` matches, if any scores at least [`MIN_CONFIDENCE`].
pub fn detect(text: &str) -> Option<LicenceDetection> {
    if text.len() > MAX_LICENCE_TEXT || text.trim().is_empty() {
        return None;
    }
    let store = store()?;
    let m = store.analyze(&spdx::detection::TextData::new(text));
    (m.score >= MIN_CONFIDENCE).then(|| LicenceDetection {
        spdx_id: m.name.to_owned(),
        confidence: m.score,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_mit_and_not_prose() {
        let mit = "Copyright (c) 2024 Someone\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the \"Software\"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.\n";
        let d = detect(mit).unwrap();
        assert_eq!(d.spdx_id, "MIT");
        assert!(detect("These weights may be used for research only. Ask us.").is_none());
    }
}
