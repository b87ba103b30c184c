//! Numbers to and from text without `core`'s float machinery.
//!
//! Formatting an `f64` through `core::fmt` links Grisu, Dragon4 and a
//! bignum library (about 20 KB of WebAssembly) even when only the shortest
//! form is ever asked for, and `str::parse::<f64>` brings a 10 KB table of
//! powers of five. [`parse_f64`] reads numbers instead, correctly rounded:
//! exactly when Clinger's fast path allows, otherwise by long division of
//! big integers.
//!
//! The engine needs two shapes of the same digits: JSON numbers written
//! the way `serde_json` writes them (`3.0`, `0.1`, `1e+21`), and numbers in
//! messages and answer texts the way `{}` shows them (`3`, `0.1`,
//! `1000000000000000000000`). Both come from
//! `shortest`: the fewest significant digits that read back as the same
//! `f64`, and of those the closest to its exact value — the rule that
//! `serde_json`'s float writer and `core::fmt` both follow. They differ
//! only on an exact tie between two closest candidates, which `serde_json`
//! breaks to even and `core::fmt` upwards (`609537269832707.25` is written
//! `…707.2` and shown `…707.3`), so the tie rule is a parameter.
//!
//! The digits are found by brute force, which is small rather than fast:
//! the exact decimal expansion from a tiny bignum, then each length from 1
//! to 17 tried by rounding it and parsing the result back. Plans hold a
//! handful of fractional numbers, so speed does not matter here.

use std::cmp::Ordering;

/// Appends `n` in decimal.
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    push_ascii(out, &buf[i..]);
}

/// Appends `n` in decimal, with a `-` when negative.
pub fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

/// Appends `n` in decimal, padded with zeros to at least `width` digits,
/// like `{n:0width$}`.
pub fn push_u64_padded(out: &mut String, n: u64, width: usize) {
    let mut digits = String::new();
    push_u64(&mut digits, n);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// Appends an `f64` as `serde_json` writes it: always with a `.` or an
/// exponent, exponents (`1e+16`, `1.5e-7`) from 1e16 up and below 1e-5;
/// `null` when not finite, as JSON has no such numbers.
pub fn push_json_f64(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str("null");
        return;
    }
    if x.is_sign_negative() {
        out.push('-');
    }
    if x == 0.0 {
        out.push_str("0.0");
        return;
    }
    let (d, dp) = shortest(x.abs(), Tie::ToEven);
    let n = d.len() as i32;
    if n <= dp && dp <= 16 {
        push_ascii(out, &d);
        push_zeros(out, dp - n);
        out.push_str(".0");
    } else if 0 < dp && dp <= 16 {
        push_ascii(out, &d[..dp as usize]);
        out.push('.');
        push_ascii(out, &d[dp as usize..]);
    } else if -5 < dp && dp <= 0 {
        out.push_str("0.");
        push_zeros(out, -dp);
        push_ascii(out, &d);
    } else {
        push_ascii(out, &d[..1]);
        if n > 1 {
            out.push('.');
            push_ascii(out, &d[1..]);
        }
        out.push_str(if dp > 0 { "e+" } else { "e-" });
        push_u64(out, u64::from((dp - 1).unsigned_abs()));
    }
}

/// An `f64` as `format!("{x}")` shows it: never an exponent, no `.0` on
/// whole numbers, `NaN`, `inf` and `-inf` as such.
pub fn display_f64(x: f64) -> String {
    let mut out = String::new();
    if x.is_nan() {
        out.push_str("NaN");
        return out;
    }
    if x.is_sign_negative() {
        out.push('-');
    }
    if x.is_infinite() {
        out.push_str("inf");
    } else if x == 0.0 {
        out.push('0');
    } else {
        let (d, dp) = shortest(x.abs(), Tie::Up);
        let n = d.len() as i32;
        if dp <= 0 {
            out.push_str("0.");
            push_zeros(&mut out, -dp);
            push_ascii(&mut out, &d);
        } else if dp >= n {
            push_ascii(&mut out, &d);
            push_zeros(&mut out, dp - n);
        } else {
            push_ascii(&mut out, &d[..dp as usize]);
            out.push('.');
            push_ascii(&mut out, &d[dp as usize..]);
        }
    }
    out
}

/// ASCII digits only ever reach here, so each byte is one `char`.
fn push_ascii(out: &mut String, digits: &[u8]) {
    out.extend(digits.iter().map(|&b| char::from(b)));
}

fn push_zeros(out: &mut String, n: i32) {
    for _ in 0..n {
        out.push('0');
    }
}

/// How to choose between two candidates equally close to the exact value.
#[derive(Clone, Copy, PartialEq)]
enum Tie {
    ToEven,
    Up,
}

/// The shortest digits of a finite `x > 0` that parse back to `x`, as
/// ASCII digits `d` (no trailing zeros) and `dp` with `x ≈ 0.d × 10^dp`.
fn shortest(x: f64, tie: Tie) -> (Vec<u8>, i32) {
    let (d, dp) = exact_digits(x);
    // Seventeen significant digits always read back, so this ends by then.
    for p in 1..d.len() {
        let down = d[..p].to_vec();
        let (up, up_dp) = increment(&down, dp);
        // `d` has no trailing zeros, so what is cut off is never zero.
        let rest = &d[p..];
        let exact_half = rest[0] == b'5' && rest.len() == 1;
        let up_is_nearer = if exact_half { tie == Tie::Up || (d[p - 1] - b'0') % 2 == 1 } else { rest[0] >= b'5' };
        let (near, far) = if up_is_nearer { ((up, up_dp), (down, dp)) } else { ((down, dp), (up, up_dp)) };
        for (digits, at) in [near, far] {
            if reads_back(&digits, at, x) {
                return trimmed(digits, at);
            }
        }
    }
    (d, dp)
}

/// Whether `0.digits × 10^dp` reads back as exactly `x`.
fn reads_back(digits: &[u8], dp: i32, x: f64) -> bool {
    decimal_to_f64(digits.iter().map(|d| d - b'0').collect(), i64::from(dp) - digits.len() as i64) == x
}

/// Reads a whole number as `str::parse::<i64>` does: an optional sign and
/// at least one digit, `None` when it does not fit.
pub fn parse_i64(s: &str) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() {
        return None;
    }
    // Negative numbers are built downwards, so i64::MIN fits.
    digits.bytes().try_fold(0i64, |n, d| {
        let d = i64::from(d.is_ascii_digit().then(|| d - b'0')?);
        n.checked_mul(10)?.checked_add(if negative { -d } else { d })
    })
}

/// Reads a number as `str::parse::<f64>` does: an optional sign, digits
/// with at most one `.` (`5.`, `.5`), an optional exponent (`e-7`, `E+3`),
/// nothing else, rounded to the nearest `f64` (ties to even). Too large a
/// number gives an infinity, as there. Unlike there, `inf` and `NaN` are
/// not numbers here (`None`): every caller wants finite numbers only.
pub fn parse_f64(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => true,
        Some(b'+') => false,
        _ => false,
    };
    if matches!(b.first(), Some(b'-' | b'+')) {
        i = 1;
    }
    // The value is `digits × 10^exp`, `digits` without leading zeros.
    let mut digits: Vec<u8> = Vec::new();
    let mut exp: i64 = 0;
    let mut any_digit = false;
    let mut seen_point = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                any_digit = true;
                if !(digits.is_empty() && c == b'0') {
                    digits.push(c - b'0');
                }
                if seen_point {
                    exp -= 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if !any_digit {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = b.get(i) == Some(&b'-');
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let start = i;
        let mut e: i64 = 0;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            // Far beyond any f64; saturating keeps huge exponents huge.
            e = (e * 10 + i64::from(c - b'0')).min(1_000_000_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp += if exp_negative { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    let x = decimal_to_f64(digits, exp);
    Some(if negative { -x } else { x })
}

/// The `f64` nearest to `digits × 10^exp` (decimal digit values, most
/// significant first, none leading zeros), ties to even.
fn decimal_to_f64(mut digits: Vec<u8>, mut exp: i64) -> f64 {
    while digits.last() == Some(&0) {
        digits.pop();
        exp += 1;
    }
    if digits.is_empty() {
        return 0.0;
    }
    // A tie between two doubles needs at most 767 significant digits, so
    // past 800 only whether anything follows matters: a final 1 says so.
    if digits.len() > 800 {
        exp += digits.len() as i64 - 800;
        digits.truncate(799);
        digits.push(1);
    }
    let top = digits.len() as i64 + exp; // 10^(top-1) <= value < 10^top
    if top > 310 {
        return f64::INFINITY;
    }
    if top < -326 {
        // Below 1e-326, far under half the smallest subnormal (2.5e-324).
        return 0.0;
    }
    // Clinger's fast path: both operands exact, one correctly rounded step.
    if digits.len() <= 15 && exp.abs() <= 22 {
        let n = digits.iter().fold(0u64, |n, &d| n * 10 + u64::from(d)) as f64;
        let mut p = 1.0;
        for _ in 0..exp.abs() {
            p *= 10.0;
        }
        return if exp < 0 { n / p } else { n * p };
    }
    // value = num / den exactly.
    let mut num: Vec<u32> = vec![0];
    for &d in &digits {
        mul_small(&mut num, 10);
        add_small(&mut num, u32::from(d));
    }
    let mut den: Vec<u32> = vec![1];
    let scale = if exp >= 0 { &mut num } else { &mut den };
    mul_pow(scale, 5, 13, exp.unsigned_abs() as u32);
    shl(scale, exp.unsigned_abs() as usize);
    // q = floor(value × 2^s) with 2^53 <= q < 2^54 (53 bits and a rounding
    // bit); the estimate from bit lengths gives 2^53 < q < 2^55 at first.
    let mut s = 54 - (bit_len(&num) as i64 - bit_len(&den) as i64);
    if s > 0 {
        shl(&mut num, s as usize);
    } else {
        shl(&mut den, s.unsigned_abs() as usize);
    }
    let (mut q, mut sticky) = long_div(&mut num, &den);
    if q >= 1 << 54 {
        sticky |= q & 1 == 1;
        q >>= 1;
        s -= 1;
    }
    // Subnormals: the grid is 2^-1074, so the rounding bit is 2^-1075.
    if s > 1075 {
        let shift = s - 1075;
        if shift >= 64 {
            sticky |= q != 0;
            q = 0;
        } else {
            sticky |= q & ((1 << shift) - 1) != 0;
            q >>= shift;
        }
        s = 1075;
    }
    let mut m = q >> 1;
    if q & 1 == 1 && (sticky || m & 1 == 1) {
        m += 1;
    }
    // m × 2^(1-s): with m in [2^52, 2^53] this is the exponent field
    // 1076 - s over m's low 52 bits (a carry into bit 53 bumps the
    // exponent, as it should); for s = 1075 and m < 2^52, a subnormal.
    let bits = ((1075 - s) as u64 * (1 << 52)).saturating_add(m);
    if bits >= 0x7ff0_0000_0000_0000 {
        return f64::INFINITY;
    }
    f64::from_bits(bits)
}

fn add_small(big: &mut Vec<u32>, k: u32) {
    let mut carry = u64::from(k);
    for limb in big.iter_mut() {
        if carry == 0 {
            return;
        }
        let t = u64::from(*limb) + carry;
        *limb = t as u32;
        carry = t >> 32;
    }
    if carry > 0 {
        big.push(carry as u32);
    }
}

/// `big <<= n` bits.
fn shl(big: &mut Vec<u32>, n: usize) {
    let (limbs, bits) = (n / 32, n % 32);
    if bits > 0 {
        let mut carry = 0u32;
        for limb in big.iter_mut() {
            let next = *limb >> (32 - bits);
            *limb = (*limb << bits) | carry;
            carry = next;
        }
        if carry > 0 {
            big.push(carry);
        }
    }
    if limbs > 0 {
        let mut shifted = vec![0; limbs];
        shifted.append(big);
        *big = shifted;
    }
}

fn bit_len(big: &[u32]) -> usize {
    match big.iter().rposition(|&l| l != 0) {
        Some(i) => i * 32 + 32 - big[i].leading_zeros() as usize,
        None => 0,
    }
}

fn compare(a: &[u32], b: &[u32]) -> Ordering {
    let len = |x: &[u32]| x.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1);
    let (la, lb) = (len(a), len(b));
    if la != lb {
        return la.cmp(&lb);
    }
    for i in (0..la).rev() {
        if a[i] != b[i] {
            return a[i].cmp(&b[i]);
        }
    }
    Ordering::Equal
}

/// `a -= b`, for `a >= b`.
fn sub(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0i64;
    for (i, limb) in a.iter_mut().enumerate() {
        let t = i64::from(*limb) - i64::from(b.get(i).copied().unwrap_or(0)) - borrow;
        *limb = t as u32;
        borrow = i64::from(t < 0);
    }
}

/// `floor(num / den)`, known to be below 2^56, and whether anything was
/// left over; `num` becomes the remainder.
fn long_div(num: &mut [u32], den: &[u32]) -> (u64, bool) {
    let mut d = den.to_vec();
    shl(&mut d, 55);
    let mut q = 0u64;
    for i in (0..56).rev() {
        if compare(num, &d) != Ordering::Less {
            sub(num, &d);
            q |= 1 << i;
        }
        // d = den << i, exactly: the low 55 bits of den << 55 are zero.
        let mut carry = 0;
        for limb in d.iter_mut().rev() {
            let next = *limb & 1;
            *limb = (*limb >> 1) | (carry << 31);
            carry = next;
        }
    }
    (q, num.iter().any(|&l| l != 0))
}

/// `digits` plus one in the last place; `999` becomes `1` one place up.
fn increment(digits: &[u8], dp: i32) -> (Vec<u8>, i32) {
    let mut up = digits.to_vec();
    for i in (0..up.len()).rev() {
        if up[i] == b'9' {
            up[i] = b'0';
        } else {
            up[i] += 1;
            return (up, dp);
        }
    }
    up.insert(0, b'1');
    (up, dp + 1)
}

fn trimmed(mut digits: Vec<u8>, dp: i32) -> (Vec<u8>, i32) {
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, dp)
}

/// Every digit of a finite `x > 0`: an `f64` is `m × 2^e`, which is the
/// integer `m × 2^e` when `e ≥ 0` and `m × 5^-e / 10^-e` otherwise, so its
/// decimal expansion is the digits of one big integer and a shift.
fn exact_digits(x: f64) -> (Vec<u8>, i32) {
    let (m, e) = decompose(x);
    let (mut big, places) = scaled_integer(m, e);
    let mut chunks = Vec::new();
    while big.iter().any(|&l| l != 0) {
        chunks.push(div_small(&mut big, 1_000_000_000));
    }
    let mut d = Vec::with_capacity(chunks.len() * 9);
    for (i, &chunk) in chunks.iter().rev().enumerate() {
        let mut nine = [b'0'; 9];
        let mut c = chunk;
        for slot in nine.iter_mut().rev() {
            *slot = b'0' + (c % 10) as u8;
            c /= 10;
        }
        // Only the leading chunk drops its leading zeros.
        let skip = if i == 0 { nine.iter().take_while(|&&b| b == b'0').count() } else { 0 };
        d.extend_from_slice(&nine[skip..]);
    }
    let dp = d.len() as i32 - places;
    trimmed(d, dp)
}

/// A finite, non-negative double as `m × 2^e` with integer `m`.
fn decompose(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1u64 << 52, biased - 1075)
    }
}

/// `m × 2^e` as a big integer (little-endian 32-bit limbs) and the number of
/// decimal places to shift it by: for negative `e`, `m × 2^e = m × 5^-e / 10^-e`.
fn scaled_integer(m: u64, e: i32) -> (Vec<u32>, i32) {
    let mut big: Vec<u32> = vec![m as u32, (m >> 32) as u32];
    if e >= 0 {
        mul_pow(&mut big, 2, 31, e as u32);
        (big, 0)
    } else {
        // 5^13 is the largest power of five below 2^32.
        mul_pow(&mut big, 5, 13, e.unsigned_abs());
        (big, -e)
    }
}

/// `big *= base^n`, `chunk` factors of `base` at a time (`base^chunk` < 2^32).
fn mul_pow(big: &mut Vec<u32>, base: u32, chunk: u32, mut n: u32) {
    while n > 0 {
        let k = n.min(chunk);
        mul_small(big, base.pow(k));
        n -= k;
    }
}

fn mul_small(big: &mut Vec<u32>, k: u32) {
    let mut carry = 0u64;
    for limb in big.iter_mut() {
        let t = u64::from(*limb) * u64::from(k) + carry;
        *limb = t as u32;
        carry = t >> 32;
    }
    if carry > 0 {
        big.push(carry as u32);
    }
}

/// `big /= d`, returning the remainder.
fn div_small(big: &mut Vec<u32>, d: u32) -> u32 {
    let mut rem = 0u64;
    for limb in big.iter_mut().rev() {
        let t = (rem << 32) | u64::from(*limb);
        *limb = (t / u64::from(d)) as u32;
        rem = t % u64::from(d);
    }
    while big.last() == Some(&0) {
        big.pop();
    }
    rem as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn json(x: f64) -> String {
        let mut s = String::new();
        push_json_f64(&mut s, x);
        s
    }

    #[test]
    fn integers() {
        let mut s = String::new();
        push_i64(&mut s, i64::MIN);
        s.push(' ');
        push_u64(&mut s, u64::MAX);
        s.push(' ');
        push_i64(&mut s, 0);
        s.push(' ');
        push_u64_padded(&mut s, 7, 4);
        s.push(' ');
        push_u64_padded(&mut s, 12345, 4);
        assert_eq!(s, "-9223372036854775808 18446744073709551615 0 0007 12345");
    }

    #[test]
    fn json_numbers_as_serde_json_writes_them() {
        let cases = [
            0.0,
            -0.0,
            1.0,
            3.0,
            0.1,
            0.3,
            2.5,
            -1.5,
            66.7,
            1e15,
            1e16,
            1.5e16,
            123456789012345680.0,
            // Exactly halfway between two shortest candidates (…707.2 and
            // …707.3): serde_json and `{}` break the tie differently.
            609_537_269_832_707.0 + 0.25,
            609_537_269_832_707.0 + 0.75,
            -609_537_269_832_707.0 - 0.25,
            1e21,
            1e-5,
            1.5e-5,
            1e-4,
            0.000123,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::EPSILON,
            1.0 / 3.0,
            2f64.powi(53),
            2f64.powi(-1022) * 3.0,
            9007199254740993.0,
        ];
        for x in cases {
            assert_eq!(json(x), serde_json::to_string(&x).unwrap(), "{x:e}");
            assert_eq!(display_f64(x), format!("{x}"), "{x:e}");
        }
        assert_eq!(json(f64::NAN), "null");
        assert_eq!(json(f64::NEG_INFINITY), "null");
        assert_eq!(display_f64(f64::NAN), "NaN");
        assert_eq!(display_f64(f64::INFINITY), "inf");
        assert_eq!(display_f64(f64::NEG_INFINITY), "-inf");
    }

    /// What `str::parse::<f64>` makes of `s`, with `inf` and `NaN` refused.
    fn core_parse(s: &str) -> Option<f64> {
        let lower = s.to_ascii_lowercase();
        if lower.contains("inf") || lower.contains("nan") {
            return None;
        }
        s.parse().ok()
    }

    fn same_parse(s: &str) {
        let (ours, theirs) = (parse_f64(s), core_parse(s));
        assert_eq!(ours.map(f64::to_bits), theirs.map(f64::to_bits), "{s:?}: {ours:?} vs {theirs:?}");
    }

    #[test]
    fn reads_whole_numbers_as_str_parse() {
        for s in [
            "0",
            "-0",
            "+0",
            "7",
            "-7",
            "+7",
            "007",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "",
            "-",
            "+",
            "+-1",
            "-+1",
            " 1",
            "1 ",
            "1.0",
            "1e3",
            "x",
            "١",
        ] {
            assert_eq!(parse_i64(s), s.parse::<i64>().ok(), "{s:?}");
        }
    }

    #[test]
    fn reads_what_str_parse_reads() {
        for s in [
            "0",
            "-0",
            "+0",
            "0.0",
            "-0.0",
            "00012",
            "1",
            "-1",
            "+1",
            "1.",
            ".5",
            "-.5",
            "+.5",
            "1.25",
            "1e3",
            "1E3",
            "1e+3",
            "1e-3",
            "2.5E-3",
            "123456789012345678901234567890",
            "0.1",
            "0.30000000000000004",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "1e309",
            "-1e309",
            "2.2250738585072014e-308",
            "2.2250738585072011e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "2.4703282292062327208e-324",
            "1e-400",
            "9007199254740993",
            "9007199254740992.5",
            "9007199254740993.0000000001",
            "1e22",
            "1e23",
            "123456789012345e-22",
            "1234567890123456e-22",
            "0.000000000000000000000000000001",
            "1e1000000000000",
            "1e-1000000000000",
            "00000.00000e5",
            "",
            ".",
            "-",
            "+",
            "e5",
            "1e",
            "1e+",
            "1e-",
            "--1",
            "+-1",
            " 1",
            "1 ",
            "1.2.3",
            "1..2",
            "0x10",
            "1_000",
            "1e5.5",
            "inf",
            "-inf",
            "infinity",
            "NaN",
            "nan",
            "1,5",
            "١",
        ] {
            same_parse(s);
        }
        let long = format!("0.{}1", "0".repeat(2000));
        same_parse(&long);
        let long = format!("{}e-1000", "7".repeat(1500));
        same_parse(&long);
        let long = format!("1.{}1", "0".repeat(1000));
        same_parse(&long);
    }

    /// Decimal digits of `(2m + 1) × 2^(e-1)`: the point exactly halfway
    /// between `m × 2^e` and the next double up.
    fn halfway(x: f64) -> String {
        let (m, e) = decompose(x);
        let (mut big, places) = scaled_integer(2 * m + 1, e - 1);
        let mut digits = Vec::new();
        while big.iter().any(|&l| l != 0) {
            digits.push(b'0' + div_small(&mut big, 10) as u8);
        }
        digits.reverse();
        format!("{}e{}", String::from_utf8(digits).unwrap(), -places)
    }

    #[test]
    fn halfway_points_round_to_even() {
        for x in [1.0, 0.1, 3.0, 1e22, 1e23, 5e-324, 1e-310, 2.2250738585072014e-308, f64::MAX / 2.0, 123.456] {
            same_parse(&halfway(x));
        }
    }

    proptest! {
        /// Just under, at and just over the point halfway to the next double.
        #[test]
        fn reads_near_halfway_points(bits in 0u64..0x7ff0_0000_0000_0000) {
            let h = halfway(f64::from_bits(bits));
            let (digits, exp) = h.split_once('e').unwrap();
            let exp: i64 = exp.parse().unwrap();
            same_parse(&h);
            // A digit more, above; and the last digit one lower with 9s after, below.
            same_parse(&format!("{digits}1e{}", exp - 1));
            let mut lower = digits.as_bytes().to_vec();
            let last = lower.len() - 1;
            lower[last] -= 1;
            same_parse(&format!("{}99e{}", String::from_utf8(lower).unwrap(), exp - 2));
        }

        /// Texts made of number characters: read alike, or refused alike.
        #[test]
        fn reads_number_like_text_as_str_parse(s in "[-+]?[0-9]{0,20}[.]?[0-9]{0,20}([eE][-+]?[0-9]{0,4})?") {
            same_parse(&s);
        }

        /// Any double, written in the ways people and programs write them.
        #[test]
        fn reads_written_doubles(bits in any::<u64>(), precision in 0usize..30) {
            let x = f64::from_bits(bits);
            if x.is_finite() {
                same_parse(&format!("{x}"));
                same_parse(&format!("{x:e}"));
                same_parse(&format!("{x:.precision$e}"));
                same_parse(&format!("{x:.precision$}"));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Any bit pattern: the same text as serde_json and `{}`.
        #[test]
        fn agrees_with_serde_json_and_core_fmt(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assert_eq!(json(x), serde_json::to_string(&x).unwrap());
            prop_assert_eq!(display_f64(x), format!("{x}"));
        }

        /// Short decimals, the numbers people type and scores are made of.
        #[test]
        fn agrees_on_short_decimals(n in -10_000_000i64..10_000_000, scale in 0u32..12) {
            let x = n as f64 / 10f64.powi(scale as i32);
            prop_assert_eq!(json(x), serde_json::to_string(&x).unwrap());
            prop_assert_eq!(display_f64(x), format!("{x}"));
        }
    }
}
