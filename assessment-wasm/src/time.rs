//! Civil date-time arithmetic without a date library: Unix milliseconds,
//! RFC 3339 parsing and printing, fixed and EU daylight-saving time zones,
//! and the due offsets (`asap`, `72h`, `window`) that deadlines are built from.
//!
//! Everything saturates instead of overflowing, because times reach the
//! engine from a browser as arbitrary `f64`s and the plan must never panic.

use crate::wire::numfmt::{push_i64, push_u64_padded};
use serde::{Deserialize, Serialize};
#[cfg(test)]
use serde::{Deserializer, Serializer};
use std::fmt;

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;
pub const WEEK_MS: i64 = 7 * DAY_MS;

/// How wall-clock times relate to UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeZone {
    /// A constant offset from UTC, in minutes east.
    Fixed { offset_min: i32 },
    /// The EU rule: `standard_offset_min`, plus one hour from the last Sunday
    /// of March 01:00 UTC until the last Sunday of October 01:00 UTC.
    Eu { standard_offset_min: i32 },
}

impl TimeZone {
    pub const UTC: TimeZone = TimeZone::Fixed { offset_min: 0 };

    /// The offset from UTC in minutes at the instant `ms`.
    pub fn offset_at(&self, ms: i64) -> i32 {
        match *self {
            TimeZone::Fixed { offset_min } => offset_min,
            TimeZone::Eu { standard_offset_min } => {
                let (year, _, _) = civil_from_days(ms.div_euclid(DAY_MS));
                let start = last_sunday(year, 3).saturating_mul(DAY_MS).saturating_add(HOUR_MS);
                let end = last_sunday(year, 10).saturating_mul(DAY_MS).saturating_add(HOUR_MS);
                if start <= ms && ms < end {
                    standard_offset_min.saturating_add(60)
                } else {
                    standard_offset_min
                }
            }
        }
    }

    /// The instant at which local clocks show `local_ms` (wall-clock time
    /// written as if it were UTC). In the autumn hour that happens twice the
    /// earlier instant is taken, so deadlines computed from it err early; a
    /// time in the spring gap is read with the standard offset.
    pub fn local_to_utc(&self, local_ms: i64) -> i64 {
        match *self {
            TimeZone::Fixed { offset_min } => local_ms.saturating_sub(i64::from(offset_min) * MINUTE_MS),
            TimeZone::Eu { standard_offset_min } => {
                let summer = i64::from(standard_offset_min) + 60;
                let as_summer = local_ms.saturating_sub(summer * MINUTE_MS);
                if i64::from(self.offset_at(as_summer)) == summer {
                    as_summer
                } else {
                    local_ms.saturating_sub(i64::from(standard_offset_min) * MINUTE_MS)
                }
            }
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number from [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Day number of the last Sunday of a month.
fn last_sunday(year: i64, month: u32) -> i64 {
    let last = days_from_civil(year, month, days_in_month(year, month));
    // 1970-01-01 was a Thursday; with Sunday = 0 that day is 4.
    last - (last + 4).rem_euclid(7)
}

/// Parses an RFC 3339 date-time. Accepts `2026-11-23T10:00:00+01:00`, `Z`,
/// fractional seconds, a space instead of `T`, missing seconds, and no
/// offset at all, in which case the time is read as UTC. Use
/// [`parse_datetime`] to read offset-less times in a local time zone.
pub fn parse_rfc3339(s: &str) -> Result<i64, String> {
    parse_datetime(s, &TimeZone::UTC)
}

/// Like [`parse_rfc3339`], but a time without offset is wall-clock time in `tz`.
pub fn parse_datetime(s: &str, tz: &TimeZone) -> Result<i64, String> {
    let (local, offset) = parse_parts(s)?;
    Ok(match offset {
        Some(off) => local.saturating_sub(i64::from(off) * MINUTE_MS),
        None => tz.local_to_utc(local),
    })
}

/// Splits a date-time into its wall-clock time (as milliseconds, as if UTC)
/// and its explicit offset in minutes, if one was written.
pub fn parse_parts(s: &str) -> Result<(i64, Option<i32>), String> {
    let malformed = |why: &str| format!("malformed date-time `{s}`: {why}; write it like `2026-11-23T10:00:00+01:00`");
    let b = s.trim().as_bytes();
    let mut p = Cursor { b, i: 0 };
    let year = p.digits(4).ok_or_else(|| malformed("expected a four-digit year"))?;
    p.expect(b'-').ok_or_else(|| malformed("expected `-` after the year"))?;
    let month = p.digits(2).ok_or_else(|| malformed("expected a two-digit month"))?;
    p.expect(b'-').ok_or_else(|| malformed("expected `-` after the month"))?;
    let day = p.digits(2).ok_or_else(|| malformed("expected a two-digit day"))?;
    if !(1..=12).contains(&month) {
        return Err(malformed(&format!("month {month} does not exist")));
    }
    let year = i64::from(year);
    if day < 1 || day > days_in_month(year, month) {
        return Err(malformed(&format!("day {day} does not exist in {year:04}-{month:02}")));
    }
    let mut local = days_from_civil(year, month, day) * DAY_MS;
    if p.at_end() {
        return Ok((local, None));
    }
    if !matches!(p.peek(), Some(b'T' | b't' | b' ')) {
        return Err(malformed("expected `T` between the date and the time"));
    }
    p.i += 1;
    let hour = p.digits(2).ok_or_else(|| malformed("expected a two-digit hour"))?;
    p.expect(b':').ok_or_else(|| malformed("expected `:` after the hour"))?;
    let minute = p.digits(2).ok_or_else(|| malformed("expected two-digit minutes"))?;
    let mut second = 0;
    let mut millis = 0;
    if p.peek() == Some(b':') {
        p.i += 1;
        second = p.digits(2).ok_or_else(|| malformed("expected two-digit seconds"))?;
        if p.peek() == Some(b'.') {
            p.i += 1;
            let start = p.i;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.i += 1;
            }
            let frac = &b[start..p.i];
            if frac.is_empty() {
                return Err(malformed("expected digits after `.`"));
            }
            // Only milliseconds matter; further digits are dropped.
            for k in 0..3 {
                millis = millis * 10 + frac.get(k).map_or(0, |d| u32::from(d - b'0'));
            }
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(malformed("the time of day is out of range"));
    }
    // A leap second is read as the last second of the minute.
    let second = second.min(59);
    local += (hour as i64) * HOUR_MS + (minute as i64) * MINUTE_MS + (second as i64) * 1000 + i64::from(millis);
    let offset = match p.peek() {
        None => None,
        Some(b'Z' | b'z') => {
            p.i += 1;
            Some(0)
        }
        Some(sign @ (b'+' | b'-')) => {
            p.i += 1;
            let oh = p.digits(2).ok_or_else(|| malformed("expected a two-digit offset hour"))?;
            p.expect(b':').ok_or_else(|| malformed("expected `:` in the offset"))?;
            let om = p.digits(2).ok_or_else(|| malformed("expected two-digit offset minutes"))?;
            if oh > 23 || om > 59 {
                return Err(malformed("the offset is out of range"));
            }
            let off = (oh * 60 + om) as i32;
            Some(if sign == b'-' { -off } else { off })
        }
        Some(_) => return Err(malformed("unexpected text after the time")),
    };
    if !p.at_end() {
        return Err(malformed("unexpected text after the offset"));
    }
    Ok((local, offset))
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn at_end(&self) -> bool {
        self.i >= self.b.len()
    }
    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }
    fn digits(&mut self, n: usize) -> Option<u32> {
        let part = self.b.get(self.i..self.i + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(part.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
    }
}

/// `2026-11-26T10:00:00+01:00`: always a numeric offset, never `Z`, and
/// milliseconds only when there are any.
pub fn format_rfc3339(ms: i64, offset_min: i32) -> String {
    let off = i64::from(offset_min);
    let local = ms.saturating_add(off.saturating_mul(MINUTE_MS));
    let (year, month, day) = civil_from_days(local.div_euclid(DAY_MS));
    let in_day = local.rem_euclid(DAY_MS);
    let (h, m, s, milli) = (in_day / HOUR_MS, in_day % HOUR_MS / MINUTE_MS, in_day % MINUTE_MS / 1000, in_day % 1000);
    // Written digit by digit: every plan formats a time per action, and
    // `format!` with padding pulls more of `core::fmt` into the wasm.
    let mut out = String::with_capacity(32);
    if (0..=9999).contains(&year) {
        push_u64_padded(&mut out, year as u64, 4);
    } else {
        push_i64(&mut out, year);
    }
    for (sep, n) in [('-', i64::from(month)), ('-', i64::from(day)), ('T', h), (':', m), (':', s)] {
        out.push(sep);
        push_u64_padded(&mut out, n as u64, 2);
    }
    if milli != 0 {
        out.push('.');
        push_u64_padded(&mut out, milli as u64, 3);
    }
    out.push(if off < 0 { '-' } else { '+' });
    push_u64_padded(&mut out, off.unsigned_abs() / 60, 2);
    out.push(':');
    push_u64_padded(&mut out, off.unsigned_abs() % 60, 2);
    out
}

/// [`format_rfc3339`] with the offset that `tz` has at that instant.
pub fn format_local(ms: i64, tz: &TimeZone) -> String {
    format_rfc3339(ms, tz.offset_at(ms))
}

/// When something is due, relative to the discovery of the incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// At once: the deadline is the discovery time itself.
    Asap,
    /// A fixed offset in milliseconds.
    After(i64),
    /// The notification window of the party being told (from contacts).
    Window,
}

impl Due {
    /// The deadline for an incident discovered at `discovered_ms`; `window`
    /// is the party's window, used for [`Due::Window`] (none → as soon as possible).
    pub fn deadline(&self, discovered_ms: i64, window: Option<i64>) -> i64 {
        match *self {
            Due::Asap => discovered_ms,
            Due::After(ms) => discovered_ms.saturating_add(ms),
            Due::Window => discovered_ms.saturating_add(window.unwrap_or(0)),
        }
    }
}

/// Reads `asap`, `window` or a whole number with a unit: `30m`, `1h`, `72h`, `3d`, `2w`.
pub fn parse_due(s: &str) -> Result<Due, String> {
    let t = s.trim();
    let malformed =
        || format!("malformed duration `{s}`: write a whole number and a unit (m, h, d, w), such as `72h`, or `asap`");
    if t.eq_ignore_ascii_case("asap") {
        return Ok(Due::Asap);
    }
    if t.eq_ignore_ascii_case("window") {
        return Ok(Due::Window);
    }
    let Some(unit) = t.chars().last() else {
        return Err(malformed());
    };
    let digits = t.strip_suffix(unit).unwrap_or_default();
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|d| d.is_ascii_digit()) {
        return Err(malformed());
    }
    // At most nine ASCII digits, checked above: this cannot overflow.
    let n = digits.bytes().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
    let unit_ms = match unit {
        'm' => MINUTE_MS,
        'h' => HOUR_MS,
        'd' => DAY_MS,
        'w' => WEEK_MS,
        _ => return Err(malformed()),
    };
    n.checked_mul(unit_ms).map(Due::After).ok_or_else(malformed)
}

/// How long after an event something follows: a duration (`72h`, `3d`, `2w`)
/// or whole calendar months (`1mo`), counted on the local calendar, so that
/// "one month after 31 January 10:00" is 28 or 29 February 10:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    After(i64),
    Months(u32),
}

/// Reads a period: a duration as [`parse_due`] reads it (not `asap` or
/// `window`: a follow-up comes after something), or `Nmo` for calendar months.
pub fn parse_period(s: &str) -> Result<Period, String> {
    let t = s.trim();
    if let Some(digits) = t.strip_suffix("mo") {
        if !digits.is_empty() && digits.len() <= 4 && digits.bytes().all(|d| d.is_ascii_digit()) {
            let n = digits.bytes().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
            return Ok(Period::Months(n));
        }
    }
    match parse_due(t) {
        Ok(Due::After(ms)) => Ok(Period::After(ms)),
        _ => Err(format!(
            "malformed period `{s}`: write a whole number and a unit (m, h, d, w, or mo for calendar months), such as `72h` or `1mo`"
        )),
    }
}

impl Period {
    /// The instant this period after `from_ms`; months move the local date
    /// and keep the local time of day (the last day of a shorter month when
    /// the day does not exist in it).
    pub fn after(&self, from_ms: i64, tz: &TimeZone) -> i64 {
        match *self {
            Period::After(ms) => from_ms.saturating_add(ms),
            Period::Months(n) => {
                let offset = i64::from(tz.offset_at(from_ms)) * MINUTE_MS;
                let local = from_ms.saturating_add(offset);
                let days = local.div_euclid(DAY_MS);
                let time_of_day = local.rem_euclid(DAY_MS);
                let (year, month, day) = civil_from_days(days);
                let index = year.saturating_mul(12).saturating_add(i64::from(month) - 1).saturating_add(i64::from(n));
                let (y, m) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32);
                let d = day.min(days_in_month(y, m));
                let target = days_from_civil(y, m, d).saturating_mul(DAY_MS).saturating_add(time_of_day);
                tz.local_to_utc(target)
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::After(ms) => Due::After(ms).fmt(f),
            Period::Months(n) => write!(f, "{n}mo"),
        }
    }
}

impl fmt::Display for Due {
    /// Canonical form: weeks when whole weeks, else hours when whole hours
    /// (so `72h` stays `72h`, the way deadlines are spoken of), else minutes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Due::Asap => f.write_str("asap"),
            Due::Window => f.write_str("window"),
            Due::After(0) => f.write_str("0h"),
            Due::After(ms) if ms % WEEK_MS == 0 => write!(f, "{}w", ms / WEEK_MS),
            Due::After(ms) if ms % HOUR_MS == 0 => write!(f, "{}h", ms / HOUR_MS),
            Due::After(ms) if ms % MINUTE_MS == 0 => write!(f, "{}m", ms / MINUTE_MS),
            // Not produced by `parse_due`; kept exact rather than rounded.
            Due::After(ms) => write!(f, "{ms}ms"),
        }
    }
}

// Only tests go through serde: the builder writes a due offset with
// `compile/write.rs` and the engine reads it with `wire/read.rs`.
#[cfg(test)]
impl Serialize for Due {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
impl<'de> Deserialize<'de> for Due {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if let Some(ms) = s.strip_suffix("ms").and_then(|n| n.parse().ok()) {
            return Ok(Due::After(ms));
        }
        parse_due(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AMSTERDAM: TimeZone = TimeZone::Eu { standard_offset_min: 60 };

    #[test]
    fn periods_count_calendar_months_in_local_time() {
        assert_eq!(parse_period("1mo"), Ok(Period::Months(1)));
        assert_eq!(parse_period("72h"), Ok(Period::After(72 * HOUR_MS)));
        for bad in ["", "mo", "asap", "window", "1.5mo", "12345mo", "-1mo", "1y"] {
            assert!(parse_period(bad).is_err(), "{bad}");
        }
        let at = |s: &str| parse_datetime(s, &AMSTERDAM).unwrap();
        let one = Period::Months(1);
        // 31 January + a month is the last day of February, same local time.
        assert_eq!(one.after(at("2027-01-31T10:00"), &AMSTERDAM), at("2027-02-28T10:00"));
        assert_eq!(one.after(at("2028-01-31T10:00"), &AMSTERDAM), at("2028-02-29T10:00"));
        // Across the change to summer time the local clock time stays.
        assert_eq!(one.after(at("2027-03-15T09:30"), &AMSTERDAM), at("2027-04-15T09:30"));
        assert_eq!(Period::Months(12).after(at("2026-12-02T23:30"), &AMSTERDAM), at("2027-12-02T23:30"));
        assert_eq!(Period::After(HOUR_MS).after(5, &AMSTERDAM), 5 + HOUR_MS);
        // Saturates rather than overflows (times come from a browser as any f64).
        assert!(Period::Months(9999).after(i64::MAX, &AMSTERDAM) > 0);
        assert!(Period::Months(9999).after(i64::MIN, &AMSTERDAM) < 0);
        assert_eq!(one.to_string(), "1mo");
    }

    fn local(s: &str) -> String {
        let ms = parse_rfc3339(s).unwrap();
        format_local(ms, &AMSTERDAM)
    }

    fn plus_72h(s: &str) -> String {
        let ms = parse_rfc3339(s).unwrap();
        format_local(Due::After(72 * HOUR_MS).deadline(ms, None), &AMSTERDAM)
    }

    #[test]
    fn civil_round_trip_over_many_years() {
        for days in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }

    #[test]
    fn eu_transitions_2026() {
        // Summer time starts 2026-03-29 01:00 UTC and ends 2026-10-25 01:00 UTC.
        let start = parse_rfc3339("2026-03-29T01:00:00Z").unwrap();
        assert_eq!(AMSTERDAM.offset_at(start - 1), 60);
        assert_eq!(AMSTERDAM.offset_at(start), 120);
        let end = parse_rfc3339("2026-10-25T01:00:00Z").unwrap();
        assert_eq!(AMSTERDAM.offset_at(end - 1), 120);
        assert_eq!(AMSTERDAM.offset_at(end), 60);
    }

    #[test]
    fn deadline_72h_across_october_change() {
        // 72 elapsed hours; the wall clock shows 71 because an hour repeats.
        assert_eq!(plus_72h("2026-10-23T10:00:00+02:00"), "2026-10-26T09:00:00+01:00");
    }

    #[test]
    fn deadline_72h_across_march_change() {
        assert_eq!(plus_72h("2026-03-27T10:00:00+01:00"), "2026-03-30T11:00:00+02:00");
    }

    #[test]
    fn deadline_72h_across_year_boundary() {
        assert_eq!(plus_72h("2026-12-30T20:00:00+01:00"), "2027-01-02T20:00:00+01:00");
    }

    #[test]
    fn deadline_across_leap_day() {
        assert_eq!(plus_72h("2028-02-27T12:00:00+01:00"), "2028-03-01T12:00:00+01:00");
        assert_eq!(plus_72h("2027-02-27T12:00:00+01:00"), "2027-03-02T12:00:00+01:00");
    }

    #[test]
    fn formats_and_parses_round_trip() {
        for s in [
            "2026-11-26T10:00:00+01:00",
            "2026-07-01T23:59:59+02:00",
            "1999-12-31T00:00:00-05:30",
            "2026-11-26T10:00:00.250+01:00",
        ] {
            let ms = parse_rfc3339(s).unwrap();
            let off = parse_parts(s).unwrap().1.unwrap();
            assert_eq!(format_rfc3339(ms, off), s);
        }
        assert_eq!(local("2026-11-23T09:00:00Z"), "2026-11-23T10:00:00+01:00");
        assert_eq!(local("2026-06-23T09:00:00.5Z"), "2026-06-23T11:00:00.500+02:00");
    }

    #[test]
    fn parses_without_offset_in_a_time_zone() {
        let winter = parse_datetime("2026-11-23T10:00", &AMSTERDAM).unwrap();
        assert_eq!(format_rfc3339(winter, 0), "2026-11-23T09:00:00+00:00");
        let summer = parse_datetime("2026-06-23 10:00", &AMSTERDAM).unwrap();
        assert_eq!(format_rfc3339(summer, 0), "2026-06-23T08:00:00+00:00");
        // The repeated hour in October: the earlier instant.
        let twice = parse_datetime("2026-10-25T02:30", &AMSTERDAM).unwrap();
        assert_eq!(format_rfc3339(twice, 0), "2026-10-25T00:30:00+00:00");
        // The missing hour in March reads with the standard offset.
        let gap = parse_datetime("2026-03-29T02:30", &AMSTERDAM).unwrap();
        assert_eq!(format_local(gap, &AMSTERDAM), "2026-03-29T03:30:00+02:00");
        assert_eq!(parse_rfc3339("2026-11-23T10:00").unwrap(), parse_rfc3339("2026-11-23T10:00:00Z").unwrap());
    }

    #[test]
    fn rejects_malformed_date_times() {
        for (s, why) in [
            ("2026-13-01T10:00", "month 13 does not exist"),
            ("2026-02-29T10:00", "day 29 does not exist in 2026-02"),
            ("2026-11-23T25:00", "the time of day is out of range"),
            ("23-11-2026", "expected a four-digit year"),
            ("2026-11-23T10:00+1", "expected a two-digit offset hour"),
            ("2026-11-23T10:00:00+01:00 CET", "unexpected text after the offset"),
        ] {
            let err = parse_rfc3339(s).unwrap_err();
            assert!(err.contains(why), "{s}: {err}");
        }
        assert!(parse_rfc3339("2028-02-29T10:00Z").is_ok());
    }

    /// The `format!` version that [`format_rfc3339`] replaced, as the reference.
    fn format_rfc3339_with_fmt(ms: i64, offset_min: i32) -> String {
        let off = i64::from(offset_min);
        let local = ms.saturating_add(off.saturating_mul(MINUTE_MS));
        let (year, month, day) = civil_from_days(local.div_euclid(DAY_MS));
        let in_day = local.rem_euclid(DAY_MS);
        let (h, m, s, milli) =
            (in_day / HOUR_MS, in_day % HOUR_MS / MINUTE_MS, in_day % MINUTE_MS / 1000, in_day % 1000);
        let mut out = if (0..=9999).contains(&year) {
            format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}")
        } else {
            format!("{year}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}")
        };
        if milli != 0 {
            out.push_str(&format!(".{milli:03}"));
        }
        let sign = if off < 0 { '-' } else { '+' };
        out.push_str(&format!("{sign}{:02}:{:02}", off.abs() / 60, off.abs() % 60));
        out
    }

    proptest::proptest! {
        #[test]
        fn formats_as_format_did(ms in proptest::prelude::any::<i64>(), off in proptest::prelude::any::<i32>()) {
            proptest::prop_assert_eq!(format_rfc3339(ms, off), format_rfc3339_with_fmt(ms, off));
        }
    }

    #[test]
    fn formats_extremes_as_format_did() {
        for ms in [i64::MIN, i64::MAX, 0, -1, 1, -62_167_219_200_001, 253_402_300_800_000, 1_795_424_400_123] {
            for off in [0, 1, -1, 60, -330, 840, i32::MIN, i32::MAX] {
                assert_eq!(format_rfc3339(ms, off), format_rfc3339_with_fmt(ms, off), "{ms} {off}");
            }
        }
    }

    #[test]
    fn never_panics_on_extreme_instants() {
        for ms in [i64::MIN, i64::MAX, 0, -1] {
            let _ = format_local(ms, &AMSTERDAM);
            let _ = format_rfc3339(ms, i32::MIN);
            let _ = AMSTERDAM.local_to_utc(ms);
            let _ = Due::After(WEEK_MS).deadline(ms, None);
        }
    }

    #[test]
    fn parses_due_offsets() {
        assert_eq!(parse_due("asap"), Ok(Due::Asap));
        assert_eq!(parse_due("window"), Ok(Due::Window));
        assert_eq!(parse_due("30m"), Ok(Due::After(30 * MINUTE_MS)));
        assert_eq!(parse_due("72h"), Ok(Due::After(72 * HOUR_MS)));
        assert_eq!(parse_due("3d"), Ok(Due::After(3 * DAY_MS)));
        assert_eq!(parse_due("2w"), Ok(Due::After(2 * WEEK_MS)));
        assert_eq!(
            parse_due("72 hours").unwrap_err(),
            "malformed duration `72 hours`: write a whole number and a unit (m, h, d, w), such as `72h`, or `asap`"
        );
        for bad in ["", "h", "-3h", "3y", "1.5h", "9999999999w", "3é"] {
            assert!(parse_due(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn due_display_is_canonical_and_round_trips() {
        for (input, shown) in [
            ("72h", "72h"),
            ("24h", "24h"),
            ("3d", "72h"),
            ("2w", "2w"),
            ("14d", "2w"),
            ("90m", "90m"),
            ("60m", "1h"),
            ("asap", "asap"),
            ("window", "window"),
        ] {
            let due = parse_due(input).unwrap();
            assert_eq!(due.to_string(), shown);
            assert_eq!(parse_due(shown), Ok(due));
            let json = serde_json::to_string(&due).unwrap();
            assert_eq!(serde_json::from_str::<Due>(&json).unwrap(), due);
        }
    }
}
