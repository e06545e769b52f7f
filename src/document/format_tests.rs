//! Tests of the document formatting helpers.

use super::*;

fn d(text: &str) -> Decimal {
    match parse_decimal(text) {
        Ok(v) => v,
        Err(e) => panic!("test amount {text}: {e}"),
    }
}

fn day(text: &str) -> NaiveDate {
    match parse_date(text) {
        Ok(v) => v,
        Err(e) => panic!("test date {text}: {e}"),
    }
}

#[test]
fn english_words_follow_the_trade_convention() {
    for (amount, currency, expected) in [
        ("2065", "USD", "SAY US DOLLARS TWO THOUSAND SIXTY-FIVE ONLY"),
        (
            "2065.00",
            "USD",
            "SAY US DOLLARS TWO THOUSAND SIXTY-FIVE ONLY",
        ),
        (
            "11806.92",
            "CNY",
            "SAY RENMINBI YUAN ELEVEN THOUSAND EIGHT HUNDRED AND SIX AND CENTS NINETY-TWO ONLY",
        ),
        ("0.05", "USD", "SAY US DOLLARS ZERO AND CENTS FIVE ONLY"),
        ("1000001", "USD", "SAY US DOLLARS ONE MILLION ONE ONLY"),
        (
            "150000",
            "USD",
            "SAY US DOLLARS ONE HUNDRED AND FIFTY THOUSAND ONLY",
        ),
    ] {
        assert_eq!(
            words(d(amount), currency),
            Ok(expected.to_string()),
            "{amount}"
        );
    }
    assert_eq!(words(d("-1"), "USD"), Err(FormatError::Negative(d("-1"))));
    assert_eq!(
        in_words(d("10"), "CNY", Lang::Zh),
        Ok("人民币壹拾元整".to_string())
    );
}

#[test]
fn parse_decimal_accepts_plain_numbers_only() {
    assert_eq!(d("1234567.8").to_string(), "1234567.8");
    assert_eq!(d("-0.05").to_string(), "-0.05");
    assert_eq!(d("10").to_string(), "10");
    for bad in [
        "", "-", "1,234", "1e3", "+1", " 1", "1.", ".5", "1_000", "NaN", "1.2.3",
    ] {
        assert_eq!(
            parse_decimal(bad),
            Err(FormatError::NotADecimal(bad.to_string())),
            "{bad:?}"
        );
    }
}

#[test]
fn money_in_chinese_uses_the_symbol() {
    assert_eq!(
        money(d("1234567.8"), "CNY", Lang::Zh),
        Ok("¥1,234,567.80".into())
    );
    assert_eq!(money(d("2065"), "USD", Lang::Zh), Ok("US$2,065.00".into()));
    assert_eq!(
        money(d("-1234.5"), "CNY", Lang::Zh),
        Ok("-¥1,234.50".into())
    );
    assert_eq!(money(d("0"), "CNY", Lang::Zh), Ok("¥0.00".into()));
    assert_eq!(money(d("999.99"), "CNY", Lang::Zh), Ok("¥999.99".into()));
    assert_eq!(money(d("1000"), "CNY", Lang::Zh), Ok("¥1,000.00".into()));
}

#[test]
fn money_in_english_uses_the_code() {
    assert_eq!(
        money(d("1234567.8"), "CNY", Lang::En),
        Ok("CNY 1,234,567.80".into())
    );
    assert_eq!(
        money(d("2065.00"), "USD", Lang::En),
        Ok("USD 2,065.00".into())
    );
    assert_eq!(
        money(d("-1234.5"), "CNY", Lang::En),
        Ok("CNY -1,234.50".into())
    );
    assert_eq!(money(d("-0.05"), "USD", Lang::En), Ok("USD -0.05".into()));
    assert_eq!(
        money(d("100000000000"), "USD", Lang::En),
        Ok("USD 100,000,000,000.00".into())
    );
}

#[test]
fn every_currency_of_the_money_table_prints_to_its_minor_unit() {
    assert_eq!(money(d("10932"), "JPY", Lang::Zh), Ok("JP¥10,932".into()));
    assert_eq!(
        money(d("10932.00"), "JPY", Lang::En),
        Ok("JPY 10,932".into())
    );
    assert_eq!(money(d("-5"), "JPY", Lang::Zh), Ok("-JP¥5".into()));
    assert_eq!(money(d("1234.5"), "EUR", Lang::Zh), Ok("€1,234.50".into()));
    assert_eq!(
        money(d("1234.5"), "EUR", Lang::En),
        Ok("EUR 1,234.50".into())
    );
    assert_eq!(money(d("1200"), "CHF", Lang::Zh), Ok("CHF 1,200.00".into()));
    assert_eq!(money(d("1.5"), "KWD", Lang::En), Ok("KWD 1.500".into()));
    assert_eq!(
        capital(d("10932"), "JPY"),
        Ok("日元壹万零玖佰叁拾贰元整".into())
    );
    assert_eq!(capital(d("12.5"), "EUR"), Ok("欧元壹拾贰元伍角整".into()));
    assert_eq!(
        words(d("10932"), "JPY"),
        Ok("SAY JAPANESE YEN TEN THOUSAND NINE HUNDRED AND THIRTY-TWO ONLY".into())
    );
    assert_eq!(
        words(d("0.5"), "JPY"),
        Err(FormatError::TooManyDecimals {
            amount: d("0.5"),
            places: 0
        })
    );
}

#[test]
fn money_refuses_extra_decimals_and_unknown_currencies() {
    assert_eq!(money(d("1.500"), "CNY", Lang::Zh), Ok("¥1.50".into()));
    assert_eq!(
        money(d("1.005"), "CNY", Lang::Zh),
        Err(FormatError::TooManyDecimals {
            amount: d("1.005"),
            places: 2
        })
    );
    assert_eq!(
        money(d("1"), "XYZ", Lang::En).map_err(|e| e.to_string()),
        Err(
            "unknown currency `XYZ` (expected one of: the ISO 4217 codes, such as CNY, USD, EUR, JPY)"
                .into()
        )
    );
    assert_eq!(
        money(d("10932.5"), "JPY", Lang::En).map_err(|e| e.to_string()),
        Err("amount 10932.5 has more than zero decimals; round it before printing".into())
    );
}

#[test]
fn capital_required_cases() {
    let cases = [
        ("12345.67", "人民币壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("0.50", "人民币伍角整"),
        ("10.00", "人民币壹拾元整"),
        ("100000.05", "人民币壹拾万元零伍分"),
        ("1000001.00", "人民币壹佰万零壹元整"),
        ("10010.10", "人民币壹万零壹拾元壹角整"),
        (
            "123456789.01",
            "人民币壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分",
        ),
        ("0.00", "人民币零元整"),
    ];
    for (amount, expected) in cases {
        assert_eq!(
            capital(d(amount), "CNY"),
            Ok(expected.to_string()),
            "{amount}"
        );
    }
}

#[test]
fn capital_examples_of_the_payment_rules() {
    // The examples of 《正确填写票据和结算凭证的基本规定》, in the forms this module chose.
    let cases = [
        ("1409.50", "人民币壹仟肆佰零玖元伍角整"),
        ("6007.14", "人民币陆仟零柒元壹角肆分"),
        ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "人民币壹拾万零柒仟元伍角叁分"),
        ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "人民币叁佰贰拾伍元零肆分"),
    ];
    for (amount, expected) in cases {
        assert_eq!(
            capital(d(amount), "CNY"),
            Ok(expected.to_string()),
            "{amount}"
        );
    }
}

#[test]
fn capital_zeros_across_wan_and_yi() {
    let cases = [
        ("0.05", "人民币伍分"),
        ("0.55", "人民币伍角伍分"),
        ("1", "人民币壹元整"),
        ("15", "人民币壹拾伍元整"),
        ("110", "人民币壹佰壹拾元整"),
        ("1001", "人民币壹仟零壹元整"),
        ("10000", "人民币壹万元整"),
        ("100010000", "人民币壹亿零壹万元整"),
        ("100000001", "人民币壹亿零壹元整"),
        ("101000000", "人民币壹亿零壹佰万元整"),
        ("1000000000000", "人民币壹万亿元整"),
        ("1000100000000", "人民币壹万零壹亿元整"),
        ("1000000001", "人民币壹拾亿零壹元整"),
        ("1001000000", "人民币壹拾亿零壹佰万元整"),
        ("200007000", "人民币贰亿零柒仟元整"),
        (
            "9999999999999999.99",
            "人民币玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
        ),
    ];
    for (amount, expected) in cases {
        assert_eq!(
            capital(d(amount), "CNY"),
            Ok(expected.to_string()),
            "{amount}"
        );
    }
    assert_eq!(capital(d("2065"), "USD"), Ok("美元贰仟零陆拾伍元整".into()));
}

#[test]
fn capital_refuses_what_it_cannot_write() {
    assert_eq!(capital(d("-1"), "CNY"), Err(FormatError::Negative(d("-1"))));
    assert_eq!(
        capital(d("0.001"), "CNY"),
        Err(FormatError::TooManyDecimals {
            amount: d("0.001"),
            places: 2
        })
    );
    assert_eq!(
        capital(d("10000000000000000"), "CNY"),
        Err(FormatError::TooLarge(d("10000000000000000")))
    );
    assert_eq!(
        capital(Decimal::MAX, "CNY"),
        Err(FormatError::TooLarge(Decimal::MAX))
    );
    assert!(matches!(
        capital(d("1"), "XYZ"),
        Err(FormatError::UnknownCode { .. })
    ));
    assert_eq!(
        capital(d("1.5"), "KWD"),
        Err(FormatError::NoWords {
            code: "KWD",
            places: 3
        })
    );
}

#[test]
fn dates_and_periods() {
    assert_eq!(date(day("2024-01-01"), Lang::Zh), "2024年1月1日");
    assert_eq!(date(day("2024-01-01"), Lang::En), "1 January 2024");
    assert_eq!(date(day("2025-12-31"), Lang::En), "31 December 2025");
    assert_eq!(
        period(day("2024-01-01"), day("2024-12-31"), Lang::Zh),
        Ok("自 2024年1月1日零时起至 2024年12月31日二十四时止".into())
    );
    assert_eq!(
        period(day("2024-01-01"), day("2024-12-31"), Lang::En),
        Ok("From 00:00 on 1 January 2024 to 24:00 on 31 December 2024".into())
    );
    assert_eq!(
        period(day("2024-01-02"), day("2024-01-01"), Lang::En).map_err(|e| e.to_string()),
        Err("cover period ends on 2024-01-01 before it starts on 2024-01-02".into())
    );
    for bad in ["2024-1-1", "2024-02-30", "01/01/2024", "2024-01-01T00:00"] {
        assert_eq!(parse_date(bad), Err(FormatError::NotADate(bad.into())));
    }
}

#[test]
fn rates() {
    assert_eq!(percent(d("0.9")), Ok("90%".into()));
    assert_eq!(percent(d("0.265")), Ok("26.5%".into()));
    assert_eq!(percent(d("1")), Ok("100%".into()));
    assert_eq!(percent(d("0")), Ok("0%".into()));
    assert_eq!(percent(d("0.0008")), Ok("0.08%".into()));
    assert_eq!(permille(d("0.0015")), Ok("1.5‰".into()));
    assert_eq!(permille(d("0.001")), Ok("1‰".into()));
    assert_eq!(number(d("500000")), "500,000");
    assert_eq!(number(d("90.00")), "90");
    assert_eq!(number(d("-1234.50")), "-1,234.5");
    assert_eq!(number(d("0.05")), "0.05");
    assert_eq!(number(d("-0.00")), "0");
    assert_eq!(number(d("999")), "999");
    assert_eq!(number(d("1000000.125")), "1,000,000.125");
    assert_eq!(
        percent(Decimal::MAX),
        Err(FormatError::RateOverflow(Decimal::MAX))
    );
}

#[test]
fn coded_names() {
    assert_eq!(
        occupation_class(1, Lang::Zh),
        Ok("一类（内勤、办公室人员）")
    );
    assert_eq!(occupation_class(1, Lang::En), Ok("Class 1 (office staff)"));
    assert_eq!(
        occupation_class(6, Lang::En),
        Ok("Class 6 (construction sites, mining)")
    );
    assert!(occupation_class(0, Lang::Zh).is_err());
    assert!(occupation_class(7, Lang::Zh).is_err());
    assert_eq!(country_class("A", Lang::Zh), Ok("A类（低风险）"));
    assert_eq!(country_class("D", Lang::En), Ok("Class D (high risk)"));
    assert!(country_class("E", Lang::En).is_err());
    assert_eq!(payment_method("L/C", Lang::Zh), Ok("信用证（L/C）"));
    assert_eq!(payment_method("oa", Lang::En), Ok("Open account (O/A)"));
    assert_eq!(gender("female", Lang::Zh), Ok("女"));
    assert_eq!(gender("male", Lang::En), Ok("Male"));
    assert_eq!(payment_mode("semi_annual", Lang::Zh), Ok("半年交"));
    assert_eq!(payment_mode("single", Lang::En), Ok("Single premium"));
    assert_eq!(
        payment_mode("weekly", Lang::En).map_err(|e| e.to_string()),
        Err("unknown payment mode `weekly` (expected one of: single, annual, semi_annual, quarterly, monthly)".into())
    );
}

#[test]
fn lang_codes() {
    assert_eq!("zh".parse::<Lang>(), Ok(Lang::Zh));
    assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
    assert!("fr".parse::<Lang>().is_err());
    assert_eq!(Lang::Zh.to_string(), "zh");
}
