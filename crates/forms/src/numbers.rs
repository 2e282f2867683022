//! Numbers as the forms ask for them (spec/forms.md §5): two significant figures, orders of
//! magnitude, and whole numbers with thousands separators.

/// The two significant digits and the decimal exponent of `x` rounded to two significant
/// figures (`3.14e23` → `(31, 23)`, meaning 3.1 × 10^23); `None` for zero, negative or
/// non-finite values.
fn two_digits(x: f64) -> Option<(u32, i32)> {
    if !(x.is_finite() && x > 0.0) {
        return None;
    }
    // `{:.1e}` rounds correctly from the exact binary value: "3.1e23", "1.0e24" for 9.96e23.
    let s = format!("{x:.1e}");
    let (m, e) = s.split_once('e')?;
    let digits: u32 = m.replace('.', "").parse().ok()?;
    Some((digits, e.parse().ok()?))
}

/// `x` with two significant figures: `3.1 × 10^23` outside 10^-3..10^6, else as a decimal
/// (`450`, `4.2`, `0.0042`); `0` for zero.
pub fn two_significant(x: f64) -> String {
    let Some((d, e)) = two_digits(x) else {
        return "0".into();
    };
    let (hi, lo) = (d / 10, d % 10);
    match e {
        -3..=-1 => format!("0.{}{d}", "0".repeat((-e - 1) as usize)),
        0 => format!("{hi}.{lo}"),
        1..=5 => format!("{d}{}", "0".repeat((e - 1) as usize)),
        _ => format!("{hi}.{lo} × 10^{e}"),
    }
}

/// The order of magnitude of `x` (`3.1e23` → `10^23`); `0` for zero.
pub fn order_of_magnitude(x: f64) -> String {
    if !(x.is_finite() && x > 0.0) {
        return "0".into();
    }
    let s = format!("{x:e}");
    let e = s.split_once('e').map(|(_, e)| e).unwrap_or("0");
    format!("10^{e}")
}

/// `n` with thousands separators: `2,832`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A whole quantity as people write it: `12,345` below 10^15, else two significant figures.
pub fn quantity(x: f64) -> String {
    if (0.0..1e15).contains(&x) && x.fract() == 0.0 {
        // Exact: a whole number below 10^15 fits u64 and f64 without loss.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        return thousands(x as u64);
    }
    two_significant(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_significant_figures() {
        let cases = [
            (3.14e23, "3.1 × 10^23"),
            (3.15e23, "3.2 × 10^23"),
            (9.96e23, "1.0 × 10^24"),
            (1e25, "1.0 × 10^25"),
            (453.0, "450"),
            (4.2, "4.2"),
            (0.0042, "0.0042"),
            (0.00042, "4.2 × 10^-4"),
            (4.2e-6, "4.2 × 10^-6"),
            (999_999.0, "1.0 × 10^6"),
            (12_345.0, "12000"),
            (0.0, "0"),
        ];
        for (x, want) in cases {
            assert_eq!(two_significant(x), want, "{x}");
        }
    }

    #[test]
    fn orders_and_separators() {
        assert_eq!(order_of_magnitude(3.1e23), "10^23");
        assert_eq!(order_of_magnitude(9.99e23), "10^23");
        assert_eq!(order_of_magnitude(0.05), "10^-2");
        assert_eq!(thousands(2_832), "2,832");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(12), "12");
        assert_eq!(quantity(12_345.0), "12,345");
        assert_eq!(quantity(1.2e12), "1,200,000,000,000");
        assert_eq!(quantity(2.5e15), "2.5 × 10^15");
        assert_eq!(quantity(0.5), "0.50");
    }
}
