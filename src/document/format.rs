//! Plain-Rust formatting of the values a quote or policy document prints: money, amounts in
//! Chinese capital numerals (大写金额), dates and cover periods, percentages and per-mille
//! rates, and the names of coded values (occupation classes, country risk classes, payment
//! methods, genders, payment modes), each in Chinese and English.
//!
//! This module owns the conventions; the template filters in `engine` only parse their input
//! and call these functions. Every function is pure and deterministic, works on
//! [`rust_decimal::Decimal`] (never a float) and returns a [`FormatError`] instead of panicking.
//!
//! # Conventions
//!
//! * **Currencies.** Every ISO 4217 code of [`crate::money::Currency`] is known, with its
//!   minor unit, symbol and names in words from that one table; this module keeps no table of
//!   its own.
//! * **Money.** The decimals of the currency's minor unit (two for CNY and USD, none for JPY)
//!   and a comma every three digits.
//!   Chinese puts the currency symbol before the number: `¥1,234,567.80` (CNY),
//!   `US$2,065.00` (USD), `JP¥10,932` (JPY); a negative amount is `-¥1,234.50`; a currency
//!   without a symbol of its own is written with its code and a space (`CHF 1,200.00`).
//!   English puts the ISO code and a space before the number: `CNY 1,234,567.80`,
//!   `USD 2,065.00`; a negative amount is `CNY -1,234.50`.
//!   An amount with more decimals than the minor unit (after dropping trailing zeros) is an
//!   error: rounding is a product decision made before printing.
//! * **Capital numerals.** Follows 《正确填写票据和结算凭证的基本规定》: the currency's Chinese
//!   name first (人民币 for CNY, 美元 for USD, 日元 for JPY); tens are written 壹拾 (also at the start:
//!   `人民币壹拾元整`); one 零 for each run of zeros between non-zero digits of the integer
//!   part, across 万 and 亿 boundaries too (`壹佰万零壹元整`, `壹拾万零柒仟元`); no 零 for
//!   zeros at the end of the integer part (`壹万零壹拾元壹角整`); 零 between 元 and 分 when 角
//!   is zero (`壹拾万元零伍分`); 整 after 元 or 角 when there are no 分 (`伍角整`), none after
//!   分; an amount below one yuan has no 元 part (`人民币伍角整`, `人民币伍分`); zero is
//!   `人民币零元整`. Amounts from 0 to less than 10^16 are accepted; negative amounts and
//!   amounts with more decimals than the currency's minor unit are errors, as are currencies
//!   whose minor unit has three places (角 and 分 are two).
//! * **Dates.** `2024年1月1日` / `1 January 2024`. A cover period runs from 00:00 on the first
//!   day to 24:00 on the last day: `自 2024年1月1日零时起至 2024年12月31日二十四时止` /
//!   `From 00:00 on 1 January 2024 to 24:00 on 31 December 2024`.
//! * **Plain numbers.** Counts and amounts printed without a currency (a limit in days, a
//!   sum insured in a column whose heading names the currency): a comma every three digits,
//!   trailing zeros dropped: `500000` → `500,000`, `90.00` → `90`.
//! * **Rates.** `0.9` → `90%`, `0.265` → `26.5%`, `0.0015` → `1.5‰`: the ratio times 100 (or
//!   1000) with trailing zeros dropped, the same in both languages.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::money::{self, Currency};

/// The language a document is printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// Simplified Chinese, code `zh`.
    Zh,
    /// English, code `en`.
    En,
}

impl Lang {
    /// Every language, in catalogue order.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The code used in contexts, filter arguments and catalogue file names (`zh`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            other => Err(FormatError::UnknownCode {
                what: "language",
                code: other.to_string(),
                expected: "zh, en",
            }),
        }
    }
}

/// Why a value could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The text is not a plain decimal number (`-`, digits, optionally `.` and digits).
    #[error("`{0}` is not a decimal number (expected digits with an optional `-` and `.`)")]
    NotADecimal(String),
    /// More decimals than the currency's minor unit where money is expected.
    #[error(
        "amount {amount} has more than {} decimals; round it before printing",
        places_word(*places)
    )]
    TooManyDecimals {
        /// The amount.
        amount: Decimal,
        /// Decimal places of the currency's minor unit.
        places: u32,
    },
    /// A currency whose amounts cannot be written in words: its minor unit has more places
    /// than words for it (角 and 分, cents) have.
    #[error("amounts in {code} ({places} decimal places) cannot be written in words")]
    NoWords {
        /// The currency's code.
        code: &'static str,
        /// Decimal places of its minor unit.
        places: u32,
    },
    /// A negative amount where only non-negative ones can be printed.
    #[error("amount {0} is negative; capital numerals are written for amounts of zero or more")]
    Negative(Decimal),
    /// An amount too large for capital numerals.
    #[error("amount {0} is too large for capital numerals (must be less than 10^16)")]
    TooLarge(Decimal),
    /// A code outside the known set.
    #[error("unknown {what} `{code}` (expected one of: {expected})")]
    UnknownCode {
        /// What kind of code was expected.
        what: &'static str,
        /// The code found.
        code: String,
        /// The codes that are known.
        expected: &'static str,
    },
    /// A date that is not `YYYY-MM-DD`.
    #[error("`{0}` is not a date in the form YYYY-MM-DD")]
    NotADate(String),
    /// A cover period that ends before it starts.
    #[error("cover period ends on {end} before it starts on {start}")]
    PeriodReversed {
        /// First day of cover.
        start: NaiveDate,
        /// Last day of cover.
        end: NaiveDate,
    },
    /// A number too large to scale into a percentage.
    #[error("rate {0} is too large to print")]
    RateOverflow(Decimal),
}

/// Parses a decimal written as plain text: an optional `-`, digits, and optionally `.`
/// followed by digits. Separators, exponents, `+` and spaces are refused, so `"1,234"` or
/// `"1e3"` never silently become another number.
pub fn parse_decimal(text: &str) -> Result<Decimal, FormatError> {
    let bad = || FormatError::NotADecimal(text.to_string());
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(bad());
    }
    Decimal::from_str_exact(text).map_err(|_| bad())
}

/// Parses an ISO date `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, FormatError> {
    let shape_ok = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(FormatError::NotADate(text.to_string()));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| FormatError::NotADate(text.to_string()))
}

fn places_word(places: u32) -> &'static str {
    ["zero", "one", "two", "three", "four"]
        .get(places as usize)
        .copied()
        .unwrap_or("four")
}

/// The currency with ISO 4217 code `code`, from the one table in [`crate::money`].
fn currency(code: &str) -> Result<Currency, FormatError> {
    Currency::from_code(code).ok_or_else(|| FormatError::UnknownCode {
        what: "currency",
        code: code.to_string(),
        expected: "the ISO 4217 codes, such as CNY, USD, EUR, JPY",
    })
}

/// The amount as a whole number of the currency's minor units (fen, cents; yen), refusing
/// more decimals than the minor unit has.
fn to_minor(amount: Decimal, c: Currency) -> Result<i128, FormatError> {
    let places = c.minor_unit();
    let n = amount.normalize();
    let scale = n.scale();
    if scale > places {
        return Err(FormatError::TooManyDecimals { amount, places });
    }
    // A Decimal mantissa has at most 96 bits and the minor unit at most 3 places, so the
    // product always fits in an i128.
    Ok(n.mantissa() * 10_i128.pow(places - scale))
}

/// The amount as a whole number of hundredths (角 and 分, cents): only for a currency whose
/// minor unit is two places or none.
fn to_cents(amount: Decimal, c: Currency) -> Result<i128, FormatError> {
    match c.minor_unit() {
        0 => Ok(to_minor(amount, c)? * 100),
        2 => to_minor(amount, c),
        places => Err(FormatError::NoWords {
            code: c.code(),
            places,
        }),
    }
}

/// Writes `n` with a comma every three digits.
fn group_thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An amount of money with thousands separators and the currency (see the module
/// conventions): `money(1234567.8, "CNY", Lang::Zh)` is `¥1,234,567.80`.
pub fn money(amount: Decimal, currency: &str, lang: Lang) -> Result<String, FormatError> {
    let c = self::currency(currency)?;
    let minor = to_minor(amount, c)?;
    let places = c.minor_unit();
    let exact = Decimal::try_from_i128_with_scale(minor.abs(), places)
        .map_err(|_| FormatError::TooLarge(amount))?;
    let number = money::format_grouped(exact);
    let sign = if minor < 0 { "-" } else { "" };
    let code = c.code();
    Ok(match lang {
        Lang::Zh if c.symbol() != code => format!("{sign}{}{number}", c.symbol()),
        Lang::Zh | Lang::En => format!("{code} {sign}{number}"),
    })
}

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// A number from 1 to 9999 in capital numerals, without leading or trailing 零.
fn capital_group(n: u64) -> String {
    const UNITS: [&str; 4] = ["仟", "佰", "拾", ""];
    let digits = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let mut out = String::new();
    let mut pending_zero = false;
    for (d, unit) in digits.iter().zip(UNITS) {
        if *d == 0 {
            pending_zero = !out.is_empty();
            continue;
        }
        if pending_zero {
            out.push('零');
            pending_zero = false;
        }
        out.push(DIGITS[*d as usize]);
        out.push_str(unit);
    }
    out
}

/// A number from 1 to 99,999,999 in capital numerals (using 万).
fn capital_below_yi(n: u64) -> String {
    let (high, low) = (n / 10_000, n % 10_000);
    if high == 0 {
        return capital_group(low);
    }
    let mut out = capital_group(high);
    out.push('万');
    if low > 0 {
        if high.is_multiple_of(10) || low < 1000 {
            out.push('零');
        }
        out.push_str(&capital_group(low));
    }
    out
}

/// A number from 1 to less than 10^16 in capital numerals (using 万 and 亿).
fn capital_integer(n: u64) -> String {
    let (high, low) = (n / 100_000_000, n % 100_000_000);
    if high == 0 {
        return capital_below_yi(low);
    }
    let mut out = capital_below_yi(high);
    out.push('亿');
    if low > 0 {
        if high.is_multiple_of(10) || low < 10_000_000 {
            out.push('零');
        }
        out.push_str(&capital_below_yi(low));
    }
    out
}

/// The amount in Chinese capital numerals (大写金额), prefixed with the currency name
/// in Chinese (人民币 for CNY, 美元 for USD); see the module conventions for the rules of 零 and 整.
/// `capital(12345.67, "CNY")` is `人民币壹万贰仟叁佰肆拾伍元陆角柒分`.
pub fn capital(amount: Decimal, currency: &str) -> Result<String, FormatError> {
    let c = self::currency(currency)?;
    let prefix = c.name(money::Lang::Zh);
    let cents = to_cents(amount, c)?;
    if cents < 0 {
        return Err(FormatError::Negative(amount));
    }
    let limit: i128 = 10_i128.pow(18);
    if cents >= limit {
        return Err(FormatError::TooLarge(amount));
    }
    let yuan = u64::try_from(cents / 100).map_err(|_| FormatError::TooLarge(amount))?;
    let jiao = (cents / 10 % 10) as usize;
    let fen = (cents % 10) as usize;

    let mut out = String::from(prefix);
    if yuan == 0 && jiao == 0 && fen == 0 {
        out.push_str("零元整");
        return Ok(out);
    }
    if yuan > 0 {
        out.push_str(&capital_integer(yuan));
        out.push('元');
    }
    if jiao > 0 {
        out.push(DIGITS[jiao]);
        out.push('角');
    } else if fen > 0 && yuan > 0 {
        out.push('零');
    }
    if fen > 0 {
        out.push(DIGITS[fen]);
        out.push('分');
    } else {
        out.push('整');
    }
    Ok(out)
}

const ONES_EN: [&str; 20] = [
    "ZERO",
    "ONE",
    "TWO",
    "THREE",
    "FOUR",
    "FIVE",
    "SIX",
    "SEVEN",
    "EIGHT",
    "NINE",
    "TEN",
    "ELEVEN",
    "TWELVE",
    "THIRTEEN",
    "FOURTEEN",
    "FIFTEEN",
    "SIXTEEN",
    "SEVENTEEN",
    "EIGHTEEN",
    "NINETEEN",
];
const TENS_EN: [&str; 10] = [
    "", "", "TWENTY", "THIRTY", "FORTY", "FIFTY", "SIXTY", "SEVENTY", "EIGHTY", "NINETY",
];

/// 1 to 999 in English capitals: `TWO HUNDRED AND FIVE`, `SIXTY-FIVE`.
fn words_below_thousand(n: u64) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    let mut out = String::new();
    if hundreds > 0 {
        out.push_str(ONES_EN[hundreds as usize]);
        out.push_str(" HUNDRED");
        if rest > 0 {
            out.push_str(" AND ");
        }
    }
    if rest >= 20 {
        out.push_str(TENS_EN[(rest / 10) as usize]);
        if rest % 10 > 0 {
            out.push('-');
            out.push_str(ONES_EN[(rest % 10) as usize]);
        }
    } else if rest > 0 {
        out.push_str(ONES_EN[rest as usize]);
    }
    out
}

/// A whole number in English capitals with thousand, million, billion, trillion.
fn words_integer(n: u64) -> String {
    if n == 0 {
        return ONES_EN[0].to_string();
    }
    const SCALES: [&str; 6] = [
        "",
        " THOUSAND",
        " MILLION",
        " BILLION",
        " TRILLION",
        " QUADRILLION",
    ];
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut parts = Vec::new();
    for (i, g) in groups.iter().enumerate().rev() {
        if *g > 0 {
            parts.push(format!("{}{}", words_below_thousand(*g), SCALES[i]));
        }
    }
    parts.join(" ")
}

/// The amount in words as English trade documents write it:
/// `words(2065, "USD")` is `SAY US DOLLARS TWO THOUSAND SIXTY-FIVE ONLY`, and
/// `words(1234.5, "CNY")` is `SAY RENMINBI YUAN ONE THOUSAND TWO HUNDRED AND THIRTY-FOUR AND
/// CENTS FIFTY ONLY`. Same range and refusals as [`capital`].
pub fn words(amount: Decimal, currency: &str) -> Result<String, FormatError> {
    let c = self::currency(currency)?;
    let name = c.name(money::Lang::En);
    let cents = to_cents(amount, c)?;
    if cents < 0 {
        return Err(FormatError::Negative(amount));
    }
    if cents >= 10_i128.pow(18) {
        return Err(FormatError::TooLarge(amount));
    }
    let whole = u64::try_from(cents / 100).map_err(|_| FormatError::TooLarge(amount))?;
    let fraction = (cents % 100) as u64;
    let mut out = format!("SAY {name} {}", words_integer(whole));
    if fraction > 0 {
        out.push_str(" AND CENTS ");
        out.push_str(&words_integer(fraction));
    }
    out.push_str(" ONLY");
    Ok(out)
}

/// The amount in words in the document's language: [`capital`] for Chinese, [`words`] for
/// English.
pub fn in_words(amount: Decimal, currency: &str, lang: Lang) -> Result<String, FormatError> {
    match lang {
        Lang::Zh => capital(amount, currency),
        Lang::En => words(amount, currency),
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date: `2024年1月1日` (zh) or `1 January 2024` (en).
pub fn date(day: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", day.year(), day.month(), day.day()),
        Lang::En => format!(
            "{} {} {}",
            day.day(),
            MONTHS_EN[day.month0() as usize],
            day.year()
        ),
    }
}

/// A cover period from 00:00 on `start` to 24:00 on `end` (both days covered):
/// `自 2024年1月1日零时起至 2024年12月31日二十四时止` (zh) or
/// `From 00:00 on 1 January 2024 to 24:00 on 31 December 2024` (en).
pub fn period(start: NaiveDate, end: NaiveDate, lang: Lang) -> Result<String, FormatError> {
    if end < start {
        return Err(FormatError::PeriodReversed { start, end });
    }
    Ok(match lang {
        Lang::Zh => format!(
            "自 {}零时起至 {}二十四时止",
            date(start, lang),
            date(end, lang)
        ),
        Lang::En => format!(
            "From 00:00 on {} to 24:00 on {}",
            date(start, lang),
            date(end, lang)
        ),
    })
}

fn scaled(ratio: Decimal, factor: i64, sign: &str) -> Result<String, FormatError> {
    let value = ratio
        .checked_mul(Decimal::from(factor))
        .ok_or(FormatError::RateOverflow(ratio))?
        .normalize();
    Ok(format!("{value}{sign}"))
}

/// A plain number with a comma every three digits and no trailing zeros, for counts and
/// amounts printed without a currency: `500000` → `500,000`, `90.00` → `90`,
/// `-1234.50` → `-1,234.5`. The same in both languages.
pub fn number(value: Decimal) -> String {
    let n = value.normalize();
    let sign = if n.is_sign_negative() && !n.is_zero() {
        "-"
    } else {
        ""
    };
    let abs = n.abs();
    let int = abs.trunc();
    let text = abs.to_string();
    let frac = text.split_once('.').map(|(_, f)| f).unwrap_or("");
    // A Decimal's integer part has at most 96 bits, so it always fits in a u128.
    let int: u128 = int.mantissa().unsigned_abs() / 10_u128.pow(int.scale());
    if frac.is_empty() {
        format!("{sign}{}", group_thousands(int))
    } else {
        format!("{sign}{}.{frac}", group_thousands(int))
    }
}

/// A ratio as a percentage: `0.9` → `90%`, `0.265` → `26.5%`.
pub fn percent(ratio: Decimal) -> Result<String, FormatError> {
    scaled(ratio, 100, "%")
}

/// A ratio as a per-mille rate: `0.0015` → `1.5‰`.
pub fn permille(ratio: Decimal) -> Result<String, FormatError> {
    scaled(ratio, 1000, "‰")
}

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The name of an occupation class 1–6: `1` → `一类（内勤、办公室人员）` /
/// `Class 1 (office staff)`. Classes 0 and 7 are not insurable and have no name.
pub fn occupation_class(class: i64, lang: Lang) -> Result<&'static str, FormatError> {
    let (zh, en) = match class {
        1 => ("一类（内勤、办公室人员）", "Class 1 (office staff)"),
        2 => (
            "二类（外勤、轻体力劳动人员）",
            "Class 2 (field staff, light manual work)",
        ),
        3 => (
            "三类（技术工人、一般体力劳动人员）",
            "Class 3 (skilled workers, general manual work)",
        ),
        4 => (
            "四类（重体力劳动、机械操作人员）",
            "Class 4 (heavy manual work, machine operators)",
        ),
        5 => (
            "五类（高空、高危作业人员）",
            "Class 5 (work at height, hazardous work)",
        ),
        6 => (
            "六类（建筑工地、矿山作业人员）",
            "Class 6 (construction sites, mining)",
        ),
        other => {
            return Err(FormatError::UnknownCode {
                what: "occupation class",
                code: other.to_string(),
                expected: "1, 2, 3, 4, 5, 6",
            });
        }
    };
    Ok(pick(lang, zh, en))
}

/// The name of a country risk class A–D: `A` → `A类（低风险）` / `Class A (low risk)`.
pub fn country_class(class: &str, lang: Lang) -> Result<&'static str, FormatError> {
    let (zh, en) = match class {
        "A" => ("A类（低风险）", "Class A (low risk)"),
        "B" => ("B类（中等风险）", "Class B (moderate risk)"),
        "C" => ("C类（较高风险）", "Class C (elevated risk)"),
        "D" => ("D类（高风险）", "Class D (high risk)"),
        other => {
            return Err(FormatError::UnknownCode {
                what: "country risk class",
                code: other.to_string(),
                expected: "A, B, C, D",
            });
        }
    };
    Ok(pick(lang, zh, en))
}

/// The name of a payment method of an export sale. Codes are written as on a credit
/// insurance schedule (`L/C`, `D/P`, `D/A`, `O/A`) or in snake case (`lc`, `dp`, `da`,
/// `oa`): `L/C` → `信用证（L/C）` / `Letter of credit (L/C)`.
pub fn payment_method(code: &str, lang: Lang) -> Result<&'static str, FormatError> {
    let (zh, en) = match code {
        "L/C" | "lc" => ("信用证（L/C）", "Letter of credit (L/C)"),
        "D/P" | "dp" => ("付款交单（D/P）", "Documents against payment (D/P)"),
        "D/A" | "da" => ("承兑交单（D/A）", "Documents against acceptance (D/A)"),
        "O/A" | "oa" => ("赊销（O/A）", "Open account (O/A)"),
        other => {
            return Err(FormatError::UnknownCode {
                what: "payment method",
                code: other.to_string(),
                expected: "L/C, D/P, D/A, O/A (or lc, dp, da, oa)",
            });
        }
    };
    Ok(pick(lang, zh, en))
}

/// The name of a gender: `male` → `男` / `Male`, `female` → `女` / `Female`.
pub fn gender(code: &str, lang: Lang) -> Result<&'static str, FormatError> {
    let (zh, en) = match code {
        "male" => ("男", "Male"),
        "female" => ("女", "Female"),
        other => {
            return Err(FormatError::UnknownCode {
                what: "gender",
                code: other.to_string(),
                expected: "male, female",
            });
        }
    };
    Ok(pick(lang, zh, en))
}

/// The name of a payment mode: `single` → `趸交` / `Single premium`, `annual` → `年交` /
/// `Annual`, `semi_annual` → `半年交` / `Semi-annual`, `quarterly` → `季交` / `Quarterly`,
/// `monthly` → `月交` / `Monthly`.
pub fn payment_mode(code: &str, lang: Lang) -> Result<&'static str, FormatError> {
    let (zh, en) = match code {
        "single" => ("趸交", "Single premium"),
        "annual" => ("年交", "Annual"),
        "semi_annual" => ("半年交", "Semi-annual"),
        "quarterly" => ("季交", "Quarterly"),
        "monthly" => ("月交", "Monthly"),
        other => {
            return Err(FormatError::UnknownCode {
                what: "payment mode",
                code: other.to_string(),
                expected: "single, annual, semi_annual, quarterly, monthly",
            });
        }
    };
    Ok(pick(lang, zh, en))
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
