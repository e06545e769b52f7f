//! Money: currencies, rounding modes, rounding to a number of places, and formatting.
//!
//! This module owns what every other part of the crate needs to know about amounts of money:
//! - [`Currency`]: an ISO 4217 code with its minor unit (JPY and KRW 0 places, CNY/USD/EUR 2,
//!   KWD and BHD 3), its symbol and its name in words in Chinese and English;
//! - [`RoundingMode`]: the rounding rules a product may declare (`half_up` is half away from
//!   zero, `half_even` is banker's rounding);
//! - [`round`]: rounds an amount and rescales it to exactly the requested number of places;
//!   [`round_dp`]: rust_decimal's `round_dp_with_strategy`, computed on the mantissa as an
//!   integer for the two midpoint modes;
//! - [`format_plain`] and [`format_grouped`]: `10932.36` and `10,932.36`; [`push_plain`] and
//!   [`push_plain_bytes`] and [`serialize_plain`] write the plain form into a string, bytes or
//!   a serializer;
//! - [`digits`]: a whole number's decimal digits, for writers that build output by hand;
//! - [`net_of_rate`]: the net of an amount that includes a tax at a rate (VAT), rounded.
//!
//! It imports nothing else of the crate, so every layer may use it. Invariants: a
//! [`Currency`] only exists for a code in the table below (its fields are private); rounding
//! never goes through `round_dp` (whose default is banker's rounding) and never panics.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

mod net;
pub use net::net_of_rate;

/// How an amount is rounded to a number of places.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename = "rounding mode", rename_all = "snake_case")]
#[schemars(rename = "RoundingMode")]
pub enum RoundingMode {
    /// Half away from zero (四舍五入): 0.125 → 0.13, −0.125 → −0.13.
    #[default]
    HalfUp,
    /// Half to even (banker's rounding): 0.125 → 0.12, 0.135 → 0.14.
    HalfEven,
}

impl RoundingMode {
    /// Every mode, as written in product files.
    pub const ALL: &'static [&'static str] = &["half_up", "half_even"];

    /// The `rust_decimal` strategy implementing this mode.
    pub fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        }
    }

    /// The word used in product files (`half_up`).
    pub fn as_str(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "half_up",
            RoundingMode::HalfEven => "half_even",
        }
    }
}

impl fmt::Display for RoundingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The decimal digits of `n`, written into `buf`. Amounts fit in 64 bits, and 128-bit division
/// is many times slower, so larger numbers are cut into 19-digit pieces.
pub fn digits(n: u128, buf: &mut [u8; 40]) -> &[u8] {
    const PIECE: u128 = 10_000_000_000_000_000_000;
    let mut end = buf.len();
    let mut rest = n;
    loop {
        let (piece, more) = match u64::try_from(rest) {
            Ok(small) => (small, false),
            Err(_) => ((rest % PIECE) as u64, true),
        };
        let stop = end.saturating_sub(19);
        end = digits_u64(piece, buf, end);
        if !more {
            return &buf[end..];
        }
        // A piece below the top one has all its 19 digits.
        while end > stop {
            end -= 1;
            buf[end] = b'0';
        }
        rest /= PIECE;
    }
}

/// Writes the digits of `v` (at least one) into `buf` ending before `end`, two at a time;
/// returns where they start.
fn digits_u64(mut v: u64, buf: &mut [u8], mut end: usize) -> usize {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    while v >= 100 {
        let r = (v % 100) as usize * 2;
        v /= 100;
        end -= 2;
        buf[end..end + 2].copy_from_slice(&PAIRS[r..r + 2]);
    }
    if v >= 10 {
        let r = v as usize * 2;
        end -= 2;
        buf[end..end + 2].copy_from_slice(&PAIRS[r..r + 2]);
    } else {
        end -= 1;
        buf[end] = b'0' + v as u8;
    }
    end
}

/// Rounds `amount` to `places` decimal places with `mode` and gives the result exactly that
/// many places (`10` → `10.00`). `None` when the amount cannot be represented with that many
/// places (it is too large).
pub fn round(amount: Decimal, places: u32, mode: RoundingMode) -> Option<Decimal> {
    let r = round_dp(amount, places, mode.strategy());
    if r.scale() == places {
        return Some(r);
    }
    // Fewer places: the mantissa times a power of ten, when it fits.
    let widened = 10i128
        .checked_pow(places - r.scale())
        .and_then(|p| r.mantissa().checked_mul(p))
        .and_then(|m| Decimal::try_from_i128_with_scale(m, places).ok());
    match widened {
        Some(w) if w.is_sign_negative() == r.is_sign_negative() => Some(w),
        _ => {
            let mut r = r;
            r.rescale(places);
            (r.scale() == places).then_some(r)
        }
    }
}

/// `d` against the whole number `n`: as whole numbers when `d` is one with no places (a class,
/// an age, a bound), several times quicker than comparing decimals; else as decimals.
#[inline]
pub fn cmp_whole(d: Decimal, n: i64) -> std::cmp::Ordering {
    match i64::try_from(d.mantissa()) {
        Ok(m) if d.scale() == 0 => m.cmp(&n),
        _ => d.cmp(&Decimal::from(n)),
    }
}

/// What `amount.round_dp_with_strategy(places, strategy)` gives, with the two midpoint
/// strategies computed on the mantissa as a 128-bit integer (in 64 bits when it fits), several
/// times faster than rust_decimal's digit loops. Other strategies, and zero, go to
/// rust_decimal.
pub fn round_dp(amount: Decimal, places: u32, strategy: RoundingStrategy) -> Decimal {
    let scale = amount.scale();
    if scale <= places {
        return amount;
    }
    let Some(half_even) = half_even(strategy) else {
        return amount.round_dp_with_strategy(places, strategy);
    };
    if amount.is_zero() {
        return amount.round_dp_with_strategy(places, strategy);
    }
    let m = amount.mantissa().unsigned_abs();
    // The scale is at most 28, so the divisor fits.
    let div = 10u128.pow(scale - places);
    let (q, r) = match (u64::try_from(m), u64::try_from(div)) {
        (Ok(m), Ok(d)) => (u128::from(m / d), u128::from(m % d)),
        _ => (m / div, m % div),
    };
    let q = q + u128::from(rounds_up((2 * r).cmp(&div), q & 1 == 1, half_even));
    Decimal::from_parts(
        q as u32,
        (q >> 32) as u32,
        (q >> 64) as u32,
        amount.is_sign_negative(),
        places,
    )
}

/// For the two midpoint strategies, whether ties go to the even neighbour; `None` for the
/// others.
fn half_even(strategy: RoundingStrategy) -> Option<bool> {
    match strategy {
        RoundingStrategy::MidpointAwayFromZero => Some(false),
        RoundingStrategy::MidpointNearestEven => Some(true),
        _ => None,
    }
}

/// Whether a whole number of units `q` (`odd` when it is) rounds up to `q + 1`, given how
/// twice the rest after it compares with one unit: above half up, below half down, on the
/// midpoint away from zero, or to the even neighbour for `half_even`.
fn rounds_up(twice_rest: std::cmp::Ordering, odd: bool, half_even: bool) -> bool {
    match twice_rest {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => !half_even || odd,
        std::cmp::Ordering::Less => false,
    }
}

/// `amount` written with a dot and no grouping: `10932.36`, `-5.00`.
pub fn format_plain(amount: Decimal) -> String {
    let mut out = String::new();
    push_plain(&mut out, amount);
    out
}

/// Serializes an amount as rust_decimal does (the string `Display` writes), without the
/// formatter.
pub fn serialize_plain<S: serde::Serializer>(amount: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let mut text = String::with_capacity(24);
    push_plain(&mut text, *amount);
    s.serialize_str(&text)
}

/// Appends `amount` as [`format_plain`] writes it (what `Display` writes), without the
/// formatter.
pub fn push_plain(out: &mut String, amount: Decimal) {
    let mut buf = [0u8; PLAIN_BYTES];
    // The plain form is ASCII.
    out.push_str(std::str::from_utf8(plain(amount, &mut buf)).unwrap_or_default());
}

/// Appends `amount` as [`format_plain`] writes it, as bytes.
pub fn push_plain_bytes(out: &mut Vec<u8>, amount: Decimal) {
    let mut buf = [0u8; PLAIN_BYTES];
    out.extend_from_slice(plain(amount, &mut buf));
}

/// Room for the longest plain form: a sign, `0.`, 27 zeros and a digit (scale 28), or a sign,
/// 29 digits and a point.
const PLAIN_BYTES: usize = 48;

/// The plain form of `amount` in ASCII, written into `buf`: the mantissa's digits with the
/// point put in, or `Display`'s form for zero (its scale, and a sign it may carry).
fn plain(amount: Decimal, buf: &mut [u8; PLAIN_BYTES]) -> &[u8] {
    let scale = amount.scale() as usize;
    let Ok(mut m) = u64::try_from(amount.mantissa().unsigned_abs()) else {
        return plain_wide(amount, buf);
    };
    if m == 0 {
        return plain_wide(amount, buf);
    }
    // Right to left: `scale` digits (zeros once the mantissa runs out), the point, then the
    // whole part (at least one digit, two at a time), then the sign.
    let mut at = PLAIN_BYTES;
    if scale > 0 {
        // The mantissa has at most 20 digits, and the point is put in at most 28 places.
        for _ in 0..scale {
            at -= 1;
            buf[at] = b'0' + (m % 10) as u8;
            m /= 10;
        }
        at -= 1;
        buf[at] = b'.';
    }
    at = digits_u64(m, buf, at);
    if amount.is_sign_negative() {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

/// [`plain`] of zero, and of a mantissa wider than 64 bits: in pieces from [`digits`].
fn plain_wide(amount: Decimal, buf: &mut [u8; PLAIN_BYTES]) -> &[u8] {
    let mut n = 0;
    let mut put = |piece: &[u8]| {
        buf[n..n + piece.len()].copy_from_slice(piece);
        n += piece.len();
    };
    if amount.is_zero() {
        // `0`, and `scale` zeros after the point, with the sign `Display` writes.
        if amount.is_sign_negative() {
            put(b"-");
        }
        put(b"0");
        if amount.scale() > 0 {
            put(b".");
            for _ in 0..amount.scale() {
                put(b"0");
            }
        }
        return &buf[..n];
    }
    let mut digit_buf = [0u8; 40];
    let d = digits(amount.mantissa().unsigned_abs(), &mut digit_buf);
    let scale = amount.scale() as usize;
    if amount.is_sign_negative() {
        put(b"-");
    }
    if d.len() > scale {
        put(&d[..d.len() - scale]);
        if scale > 0 {
            put(b".");
            put(&d[d.len() - scale..]);
        }
    } else {
        put(b"0.");
        for _ in d.len()..scale {
            put(b"0");
        }
        put(d);
    }
    &buf[..n]
}

/// `amount` with its integer digits grouped in threes by commas: `10,932.36`.
pub fn format_grouped(amount: Decimal) -> String {
    let text = amount.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// An ISO 4217 currency. Only codes in the crate's table can be made ([`Currency::from_code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency {
    info: &'static Info,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Info {
    code: &'static str,
    minor: u32,
    symbol: &'static str,
    zh: &'static str,
    en: &'static str,
}

/// A language for a currency's name in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Chinese (简体中文).
    Zh,
    /// English.
    En,
}

impl Currency {
    /// The currency with ISO 4217 code `code` (upper case, as written: `CNY`).
    pub fn from_code(code: &str) -> Option<Currency> {
        TABLE
            .iter()
            .find(|i| i.code == code)
            .map(|info| Currency { info })
    }

    /// Every known code, in alphabetical order.
    pub fn codes() -> impl Iterator<Item = &'static str> + Clone {
        TABLE.iter().map(|i| i.code)
    }

    /// The Chinese yuan (renminbi).
    pub fn cny() -> Currency {
        Currency::from_code("CNY").unwrap_or(Currency { info: &TABLE[0] })
    }

    /// The three-letter code (`CNY`).
    pub fn code(self) -> &'static str {
        self.info.code
    }

    /// Decimal places of the minor unit: 0 for JPY, 2 for CNY, 3 for KWD.
    pub fn minor_unit(self) -> u32 {
        self.info.minor
    }

    /// The symbol (`¥` for CNY, `JP¥`, `US$`, `€`); the code where no symbol is in common use.
    pub fn symbol(self) -> &'static str {
        if self.info.symbol.is_empty() {
            self.info.code
        } else {
            self.info.symbol
        }
    }

    /// The name in words, as amounts in words begin (`人民币壹万元整`, `SAY RENMINBI YUAN ONE
    /// THOUSAND ONLY`): `人民币` / `RENMINBI YUAN`; the code where the table has no name.
    pub fn name(self, lang: Lang) -> &'static str {
        let n = match lang {
            Lang::Zh => self.info.zh,
            Lang::En => self.info.en,
        };
        if n.is_empty() { self.info.code } else { n }
    }

    /// Rounds `amount` to this currency's minor unit with `mode`, with exactly that many
    /// places. `None` when the amount is too large.
    pub fn round(self, amount: Decimal, mode: RoundingMode) -> Option<Decimal> {
        round(amount, self.info.minor, mode)
    }

    /// Whether `amount` has no digits below the minor unit (`0.5` is not whole yen).
    pub fn holds(self, amount: Decimal) -> bool {
        amount.normalize().scale() <= self.info.minor
    }

    /// `amount` to the minor unit, plain: `10932.36` (CNY), `10932` (JPY). Rounds half up
    /// when the amount has more places.
    pub fn format_plain(self, amount: Decimal) -> String {
        format_plain(self.to_minor(amount))
    }

    /// `amount` to the minor unit, grouped: `10,932.36`.
    pub fn format_grouped(self, amount: Decimal) -> String {
        format_grouped(self.to_minor(amount))
    }

    fn to_minor(self, amount: Decimal) -> Decimal {
        self.round(amount, RoundingMode::HalfUp).unwrap_or(amount)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.info.code)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.info.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Currency, D::Error> {
        let code = String::deserialize(d)?;
        Currency::from_code(&code).ok_or_else(|| {
            serde::de::Error::custom(format!("`{code}` is not an ISO 4217 currency code"))
        })
    }
}

macro_rules! table {
    ($($code:literal $minor:literal $symbol:literal $zh:literal $en:literal;)+) => {
        &[$(Info { code: $code, minor: $minor, symbol: $symbol, zh: $zh, en: $en }),+]
    };
}

/// ISO 4217 active codes (list one, 2024), with minor units as published there.
static TABLE: &[Info] = table! {
    "AED" 2 "" "阿联酋迪拉姆" "UAE DIRHAMS";
    "AFN" 2 "" "阿富汗尼" "AFGHANIS";
    "ALL" 2 "" "阿尔巴尼亚列克" "ALBANIAN LEK";
    "AMD" 2 "" "亚美尼亚德拉姆" "ARMENIAN DRAMS";
    "ANG" 2 "" "荷属安的列斯盾" "NETHERLANDS ANTILLEAN GUILDERS";
    "AOA" 2 "" "安哥拉宽扎" "ANGOLAN KWANZAS";
    "ARS" 2 "" "阿根廷比索" "ARGENTINE PESOS";
    "AUD" 2 "A$" "澳大利亚元" "AUSTRALIAN DOLLARS";
    "AWG" 2 "" "阿鲁巴弗罗林" "ARUBAN FLORINS";
    "AZN" 2 "" "阿塞拜疆马纳特" "AZERBAIJANI MANATS";
    "BAM" 2 "" "波黑可兑换马克" "CONVERTIBLE MARKS";
    "BBD" 2 "" "巴巴多斯元" "BARBADOS DOLLARS";
    "BDT" 2 "" "孟加拉塔卡" "BANGLADESHI TAKAS";
    "BGN" 2 "" "保加利亚列弗" "BULGARIAN LEVA";
    "BHD" 3 "" "巴林第纳尔" "BAHRAINI DINARS";
    "BIF" 0 "" "布隆迪法郎" "BURUNDI FRANCS";
    "BMD" 2 "" "百慕大元" "BERMUDIAN DOLLARS";
    "BND" 2 "" "文莱元" "BRUNEI DOLLARS";
    "BOB" 2 "" "玻利维亚诺" "BOLIVIANOS";
    "BRL" 2 "R$" "巴西雷亚尔" "BRAZILIAN REAIS";
    "BSD" 2 "" "巴哈马元" "BAHAMIAN DOLLARS";
    "BTN" 2 "" "不丹努尔特鲁姆" "NGULTRUMS";
    "BWP" 2 "" "博茨瓦纳普拉" "BOTSWANA PULAS";
    "BYN" 2 "" "白俄罗斯卢布" "BELARUSIAN RUBLES";
    "BZD" 2 "" "伯利兹元" "BELIZE DOLLARS";
    "CAD" 2 "C$" "加拿大元" "CANADIAN DOLLARS";
    "CDF" 2 "" "刚果法郎" "CONGOLESE FRANCS";
    "CHF" 2 "" "瑞士法郎" "SWISS FRANCS";
    "CLP" 0 "" "智利比索" "CHILEAN PESOS";
    "CNY" 2 "¥" "人民币" "RENMINBI YUAN";
    "COP" 2 "" "哥伦比亚比索" "COLOMBIAN PESOS";
    "CRC" 2 "" "哥斯达黎加科朗" "COSTA RICAN COLONES";
    "CUP" 2 "" "古巴比索" "CUBAN PESOS";
    "CVE" 2 "" "佛得角埃斯库多" "CAPE VERDE ESCUDOS";
    "CZK" 2 "" "捷克克朗" "CZECH KORUNAS";
    "DJF" 0 "" "吉布提法郎" "DJIBOUTI FRANCS";
    "DKK" 2 "" "丹麦克朗" "DANISH KRONER";
    "DOP" 2 "" "多米尼加比索" "DOMINICAN PESOS";
    "DZD" 2 "" "阿尔及利亚第纳尔" "ALGERIAN DINARS";
    "EGP" 2 "" "埃及镑" "EGYPTIAN POUNDS";
    "ERN" 2 "" "厄立特里亚纳克法" "NAKFAS";
    "ETB" 2 "" "埃塞俄比亚比尔" "ETHIOPIAN BIRR";
    "EUR" 2 "€" "欧元" "EUROS";
    "FJD" 2 "" "斐济元" "FIJI DOLLARS";
    "FKP" 2 "" "福克兰群岛镑" "FALKLAND ISLANDS POUNDS";
    "GBP" 2 "£" "英镑" "POUNDS STERLING";
    "GEL" 2 "" "格鲁吉亚拉里" "GEORGIAN LARI";
    "GHS" 2 "" "加纳塞地" "GHANA CEDIS";
    "GIP" 2 "" "直布罗陀镑" "GIBRALTAR POUNDS";
    "GMD" 2 "" "冈比亚达拉西" "DALASIS";
    "GNF" 0 "" "几内亚法郎" "GUINEAN FRANCS";
    "GTQ" 2 "" "危地马拉格查尔" "QUETZALES";
    "GYD" 2 "" "圭亚那元" "GUYANA DOLLARS";
    "HKD" 2 "HK$" "港元" "HONG KONG DOLLARS";
    "HNL" 2 "" "洪都拉斯伦皮拉" "LEMPIRAS";
    "HTG" 2 "" "海地古德" "GOURDES";
    "HUF" 2 "" "匈牙利福林" "FORINTS";
    "IDR" 2 "" "印度尼西亚盾" "RUPIAHS";
    "ILS" 2 "₪" "以色列新谢克尔" "NEW ISRAELI SHEQELS";
    "INR" 2 "₹" "印度卢比" "INDIAN RUPEES";
    "IQD" 3 "" "伊拉克第纳尔" "IRAQI DINARS";
    "IRR" 2 "" "伊朗里亚尔" "IRANIAN RIALS";
    "ISK" 0 "" "冰岛克朗" "ICELAND KRONUR";
    "JMD" 2 "" "牙买加元" "JAMAICAN DOLLARS";
    "JOD" 3 "" "约旦第纳尔" "JORDANIAN DINARS";
    "JPY" 0 "JP¥" "日元" "JAPANESE YEN";
    "KES" 2 "" "肯尼亚先令" "KENYAN SHILLINGS";
    "KGS" 2 "" "吉尔吉斯斯坦索姆" "SOMS";
    "KHR" 2 "" "柬埔寨瑞尔" "RIELS";
    "KMF" 0 "" "科摩罗法郎" "COMORIAN FRANCS";
    "KPW" 2 "" "朝鲜元" "NORTH KOREAN WON";
    "KRW" 0 "₩" "韩元" "KOREAN WON";
    "KWD" 3 "" "科威特第纳尔" "KUWAITI DINARS";
    "KYD" 2 "" "开曼群岛元" "CAYMAN ISLANDS DOLLARS";
    "KZT" 2 "" "哈萨克斯坦坚戈" "TENGE";
    "LAK" 2 "" "老挝基普" "LAO KIPS";
    "LBP" 2 "" "黎巴嫩镑" "LEBANESE POUNDS";
    "LKR" 2 "" "斯里兰卡卢比" "SRI LANKA RUPEES";
    "LRD" 2 "" "利比里亚元" "LIBERIAN DOLLARS";
    "LSL" 2 "" "莱索托洛蒂" "MALOTI";
    "LYD" 3 "" "利比亚第纳尔" "LIBYAN DINARS";
    "MAD" 2 "" "摩洛哥迪拉姆" "MOROCCAN DIRHAMS";
    "MDL" 2 "" "摩尔多瓦列伊" "MOLDOVAN LEI";
    "MGA" 2 "" "马达加斯加阿里亚里" "MALAGASY ARIARY";
    "MKD" 2 "" "北马其顿第纳尔" "DENARS";
    "MMK" 2 "" "缅甸元" "KYATS";
    "MNT" 2 "" "蒙古图格里克" "TUGRIKS";
    "MOP" 2 "MOP$" "澳门元" "PATACAS";
    "MRU" 2 "" "毛里塔尼亚乌吉亚" "OUGUIYAS";
    "MUR" 2 "" "毛里求斯卢比" "MAURITIUS RUPEES";
    "MVR" 2 "" "马尔代夫拉菲亚" "RUFIYAA";
    "MWK" 2 "" "马拉维克瓦查" "MALAWI KWACHAS";
    "MXN" 2 "" "墨西哥比索" "MEXICAN PESOS";
    "MYR" 2 "RM" "马来西亚林吉特" "MALAYSIAN RINGGIT";
    "MZN" 2 "" "莫桑比克梅蒂卡尔" "MOZAMBIQUE METICAIS";
    "NAD" 2 "" "纳米比亚元" "NAMIBIA DOLLARS";
    "NGN" 2 "₦" "尼日利亚奈拉" "NAIRAS";
    "NIO" 2 "" "尼加拉瓜科多巴" "CORDOBAS ORO";
    "NOK" 2 "" "挪威克朗" "NORWEGIAN KRONER";
    "NPR" 2 "" "尼泊尔卢比" "NEPALESE RUPEES";
    "NZD" 2 "NZ$" "新西兰元" "NEW ZEALAND DOLLARS";
    "OMR" 3 "" "阿曼里亚尔" "RIALS OMANI";
    "PAB" 2 "" "巴拿马巴波亚" "BALBOAS";
    "PEN" 2 "" "秘鲁索尔" "SOLES";
    "PGK" 2 "" "巴布亚新几内亚基那" "KINAS";
    "PHP" 2 "₱" "菲律宾比索" "PHILIPPINE PESOS";
    "PKR" 2 "" "巴基斯坦卢比" "PAKISTAN RUPEES";
    "PLN" 2 "" "波兰兹罗提" "ZLOTYS";
    "PYG" 0 "" "巴拉圭瓜拉尼" "GUARANIS";
    "QAR" 2 "" "卡塔尔里亚尔" "QATARI RIALS";
    "RON" 2 "" "罗马尼亚列伊" "ROMANIAN LEI";
    "RSD" 2 "" "塞尔维亚第纳尔" "SERBIAN DINARS";
    "RUB" 2 "₽" "俄罗斯卢布" "RUSSIAN RUBLES";
    "RWF" 0 "" "卢旺达法郎" "RWANDA FRANCS";
    "SAR" 2 "" "沙特里亚尔" "SAUDI RIYALS";
    "SBD" 2 "" "所罗门群岛元" "SOLOMON ISLANDS DOLLARS";
    "SCR" 2 "" "塞舌尔卢比" "SEYCHELLES RUPEES";
    "SDG" 2 "" "苏丹镑" "SUDANESE POUNDS";
    "SEK" 2 "" "瑞典克朗" "SWEDISH KRONOR";
    "SGD" 2 "S$" "新加坡元" "SINGAPORE DOLLARS";
    "SHP" 2 "" "圣赫勒拿镑" "SAINT HELENA POUNDS";
    "SLE" 2 "" "塞拉利昂利昂" "LEONES";
    "SOS" 2 "" "索马里先令" "SOMALI SHILLINGS";
    "SRD" 2 "" "苏里南元" "SURINAM DOLLARS";
    "SSP" 2 "" "南苏丹镑" "SOUTH SUDANESE POUNDS";
    "STN" 2 "" "圣多美和普林西比多布拉" "DOBRAS";
    "SVC" 2 "" "萨尔瓦多科朗" "EL SALVADOR COLONES";
    "SYP" 2 "" "叙利亚镑" "SYRIAN POUNDS";
    "SZL" 2 "" "斯威士兰里兰吉尼" "EMALANGENI";
    "THB" 2 "฿" "泰铢" "THAI BAHT";
    "TJS" 2 "" "塔吉克斯坦索莫尼" "SOMONI";
    "TMT" 2 "" "土库曼斯坦马纳特" "TURKMENISTAN NEW MANATS";
    "TND" 3 "" "突尼斯第纳尔" "TUNISIAN DINARS";
    "TOP" 2 "" "汤加潘加" "PA'ANGA";
    "TRY" 2 "₺" "土耳其里拉" "TURKISH LIRAS";
    "TTD" 2 "" "特立尼达和多巴哥元" "TRINIDAD AND TOBAGO DOLLARS";
    "TWD" 2 "NT$" "新台币" "NEW TAIWAN DOLLARS";
    "TZS" 2 "" "坦桑尼亚先令" "TANZANIAN SHILLINGS";
    "UAH" 2 "₴" "乌克兰格里夫纳" "HRYVNIAS";
    "UGX" 0 "" "乌干达先令" "UGANDA SHILLINGS";
    "USD" 2 "US$" "美元" "US DOLLARS";
    "UYU" 2 "" "乌拉圭比索" "URUGUAYAN PESOS";
    "UZS" 2 "" "乌兹别克斯坦苏姆" "UZBEKISTAN SUMS";
    "VES" 2 "" "委内瑞拉玻利瓦尔" "BOLIVARES SOBERANOS";
    "VND" 0 "₫" "越南盾" "DONG";
    "VUV" 0 "" "瓦努阿图瓦图" "VATU";
    "WST" 2 "" "萨摩亚塔拉" "TALAS";
    "XAF" 0 "" "中非法郎" "CFA FRANCS BEAC";
    "XCD" 2 "" "东加勒比元" "EAST CARIBBEAN DOLLARS";
    "XOF" 0 "" "西非法郎" "CFA FRANCS BCEAO";
    "XPF" 0 "" "太平洋法郎" "CFP FRANCS";
    "YER" 2 "" "也门里亚尔" "YEMENI RIALS";
    "ZAR" 2 "R" "南非兰特" "RAND";
    "ZMW" 2 "" "赞比亚克瓦查" "ZAMBIAN KWACHAS";
    "ZWL" 2 "" "津巴布韦元" "ZIMBABWE DOLLARS";
};

#[cfg(test)]
mod tests {
    use super::*;

    /// `round_dp` gives rust_decimal's value, scale and sign for `d` at `places`.
    fn rounds_as_rust_decimal(
        d: Decimal,
        places: u32,
        even: bool,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let strategy = if even {
            RoundingStrategy::MidpointNearestEven
        } else {
            RoundingStrategy::MidpointAwayFromZero
        };
        let fast = round_dp(d, places, strategy);
        let slow = d.round_dp_with_strategy(places, strategy);
        proptest::prop_assert_eq!(fast.serialize(), slow.serialize(), "{} at {}", d, places);
        Ok(())
    }

    proptest::proptest! {
        /// Digits of any whole number, small or past 64 bits, are those `Display` writes.
        #[test]
        fn digits_of_any_number(small: u64, wide: u128, shift in 0u32..128) {
            for n in [u128::from(small), wide, wide >> shift] {
                let mut buf = [0u8; 40];
                let text = n.to_string();
                proptest::prop_assert_eq!(digits(n, &mut buf), text.as_bytes());
            }
        }

        /// The integer rounding gives rust_decimal's value, scale and sign, for both modes.
        #[test]
        fn round_dp_is_rust_decimal_rounding(
            lo: u32, mid: u32, hi in proptest::sample::select(vec![0u32, 0, 0, 1, 7, u32::MAX]),
            mid_zero: bool, negative: bool, scale in 0u32..=28, places in 0u32..=30,
            even: bool,
        ) {
            let mid = if mid_zero { 0 } else { mid };
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            rounds_as_rust_decimal(d, places, even)?;
        }

        /// A whole-number comparison is the decimals' comparison.
        #[test]
        fn cmp_whole_is_the_decimal_comparison(
            lo: u32, hi in proptest::sample::select(vec![0u32, 0, 1, u32::MAX]),
            small: bool, negative: bool, scale in proptest::sample::select(vec![0u32, 0, 1, 2, 28]),
            n in proptest::prop_oneof![-10i64..10, proptest::prelude::any::<i64>()],
        ) {
            let lo = if small { lo % 12 } else { lo };
            let d = Decimal::from_parts(lo, 0, hi, negative, scale);
            proptest::prop_assert_eq!(cmp_whole(d, n), d.cmp(&Decimal::from(n)));
        }

        /// The plain form is `Display`'s, for any value, scale and sign.
        #[test]
        fn plain_is_display(
            lo: u32, mid: u32, hi in proptest::sample::select(vec![0u32, 0, 0, 1, u32::MAX]),
            mid_zero: bool, lo_zero: bool, lo_small: bool, negative: bool, scale in 0u32..=28,
        ) {
            let mid = if mid_zero { 0 } else { mid };
            // Few digits against a large scale (`0.005`), as well as many.
            let lo = if lo_zero { 0 } else if lo_small { lo % 1000 } else { lo };
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            proptest::prop_assert_eq!(format_plain(d), d.to_string());
            let mut bytes = Vec::new();
            push_plain_bytes(&mut bytes, d);
            proptest::prop_assert_eq!(bytes, d.to_string().into_bytes());
        }

        /// An amount serialized is the string rust_decimal's own `Serialize` writes.
        #[test]
        fn serialized_plain_is_rust_decimals(
            lo: u32, hi in proptest::sample::select(vec![0u32, 0, 1, u32::MAX]),
            lo_zero: bool, negative: bool, scale in 0u32..=28,
        ) {
            #[derive(serde::Serialize)]
            struct Plain(#[serde(serialize_with = "super::serialize_plain")] Decimal);
            let d = Decimal::from_parts(if lo_zero { 0 } else { lo }, 0, hi, negative, scale);
            proptest::prop_assert_eq!(
                serde_json::to_string(&Plain(d)).unwrap(),
                serde_json::to_string(&d).unwrap()
            );
        }

        /// Exact midpoints (…5 followed by zeros) round as rust_decimal rounds them.
        #[test]
        fn midpoints_are_rust_decimal_rounding(
            k: u32, cut in 1u32..=18, places in 0u32..=10, negative: bool, even: bool,
        ) {
            let m = i128::from(k) * 10i128.pow(cut) + 5 * 10i128.pow(cut - 1);
            let d = Decimal::from_i128_with_scale(if negative { -m } else { m }, cut + places);
            rounds_as_rust_decimal(d, places, even)?;
        }

        /// `round` rounds, then pads to exactly the places asked for.
        #[test]
        fn round_pads_as_rescale_does(
            lo: u32, hi in proptest::sample::select(vec![0u32, 0, 1, u32::MAX]), negative: bool,
            scale in 0u32..=28, places in 0u32..=28,
        ) {
            let d = Decimal::from_parts(lo, 0, hi, negative, scale);
            let mut slow = d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
            slow.rescale(places);
            let slow = (slow.scale() == places).then_some(slow);
            let fast = round(d, places, RoundingMode::HalfUp);
            proptest::prop_assert_eq!(fast.map(|f| f.serialize()), slow.map(|s| s.serialize()));
        }
    }

    #[test]
    fn midpoints_round_by_mode() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let up = RoundingStrategy::MidpointAwayFromZero;
        let even = RoundingStrategy::MidpointNearestEven;
        assert_eq!(round_dp(d("0.125"), 2, up).to_string(), "0.13");
        assert_eq!(round_dp(d("-0.125"), 2, up).to_string(), "-0.13");
        assert_eq!(round_dp(d("0.125"), 2, even).to_string(), "0.12");
        assert_eq!(round_dp(d("0.135"), 2, even).to_string(), "0.14");
        assert_eq!(round_dp(d("87.978"), 2, up).to_string(), "87.98");
        assert_eq!(round_dp(d("-0.001"), 2, up).to_string(), "0.00");
        assert_eq!(
            round(d("550"), 2, RoundingMode::HalfUp)
                .unwrap()
                .to_string(),
            "550.00"
        );
        for text in [
            "0.05",
            "-0.05",
            "10932.36",
            "7",
            "0.000",
            "-12.5",
            "1163118742.11",
        ] {
            assert_eq!(format_plain(d(text)), text);
        }
    }

    #[test]
    fn digits_are_those_display_writes() {
        for n in [
            0u128,
            9,
            10,
            116311874211,
            u64::MAX as u128,
            u64::MAX as u128 + 1,
            10_000_000_000_000_000_000,
            10_000_000_000_000_000_000 * 10_000_000_000_000_000_000,
            u128::MAX,
        ] {
            let mut buf = [0u8; 40];
            assert_eq!(digits(n, &mut buf), n.to_string().as_bytes(), "{n}");
        }
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn minor_units_follow_iso_4217() {
        let places = |c: &str| Currency::from_code(c).map(Currency::minor_unit);
        assert_eq!(places("JPY"), Some(0));
        assert_eq!(places("KRW"), Some(0));
        assert_eq!(places("CNY"), Some(2));
        assert_eq!(places("HKD"), Some(2));
        assert_eq!(places("KWD"), Some(3));
        assert_eq!(places("BHD"), Some(3));
        assert_eq!(places("RMB"), None);
        assert_eq!(places("cny"), None);
        let codes: Vec<&str> = Currency::codes().collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted, "the table is sorted and has no duplicates");
    }

    #[test]
    fn names_in_words() {
        let c = |code| Currency::from_code(code).unwrap();
        assert_eq!(c("CNY").name(Lang::Zh), "人民币");
        assert_eq!(c("CNY").name(Lang::En), "RENMINBI YUAN");
        assert_eq!(c("USD").name(Lang::Zh), "美元");
        assert_eq!(c("EUR").name(Lang::En), "EUROS");
        assert_eq!(c("JPY").name(Lang::Zh), "日元");
        assert_eq!(c("JPY").name(Lang::En), "JAPANESE YEN");
        assert_eq!(c("USD").symbol(), "US$");
        assert_eq!(c("CHF").symbol(), "CHF");
        assert_eq!(c("CNY").symbol(), "¥");
        assert_eq!(c("JPY").symbol(), "JP¥");
    }

    #[test]
    fn rounding_rescales_to_exact_places() {
        assert_eq!(
            round(d("0.125"), 2, RoundingMode::HalfUp)
                .unwrap()
                .to_string(),
            "0.13"
        );
        assert_eq!(
            round(d("-0.125"), 2, RoundingMode::HalfUp)
                .unwrap()
                .to_string(),
            "-0.13"
        );
        assert_eq!(
            round(d("0.125"), 2, RoundingMode::HalfEven)
                .unwrap()
                .to_string(),
            "0.12"
        );
        assert_eq!(
            round(d("0.135"), 2, RoundingMode::HalfEven)
                .unwrap()
                .to_string(),
            "0.14"
        );
        assert_eq!(
            round(d("10"), 2, RoundingMode::HalfUp).unwrap().to_string(),
            "10.00"
        );
        assert_eq!(
            round(d("10932.5"), 0, RoundingMode::HalfUp)
                .unwrap()
                .to_string(),
            "10933"
        );
        assert!(round(Decimal::MAX, 2, RoundingMode::HalfUp).is_none());
    }

    #[test]
    fn formatting_to_the_minor_unit() {
        let cny = Currency::cny();
        let jpy = Currency::from_code("JPY").unwrap();
        let kwd = Currency::from_code("KWD").unwrap();
        assert_eq!(cny.format_plain(d("10932.36")), "10932.36");
        assert_eq!(cny.format_grouped(d("10932.36")), "10,932.36");
        assert_eq!(cny.format_grouped(d("1234567")), "1,234,567.00");
        assert_eq!(cny.format_grouped(d("-999.5")), "-999.50");
        assert_eq!(jpy.format_grouped(d("10932.36")), "10,932");
        assert_eq!(kwd.format_plain(d("1.5")), "1.500");
        assert_eq!(format_grouped(d("100")), "100");
        assert_eq!(format_grouped(d("-1000.1")), "-1,000.1");
    }
}
