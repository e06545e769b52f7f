//! The closed sets of words of the product format (`line: accident`, `per: member`,
//! `business_day: modified_following`, …), each a serde enum.
//!
//! Because they are enums, the JSON Schema lists the allowed values, and a word that is not
//! one of them is refused while the file is read, with one shared located diagnostic
//! (E0012 "unknown WHAT `WORD`", with "did you mean") made by `yaml::NodeDe`: the enum's
//! serde name (`#[serde(rename = "…")]` on the type) is the `<what>` of that message.
//!
//! Invariant: `ALL` lists the words in declaration order and `as_str` gives each variant's
//! word; both agree with serde (a unit test checks every enum).

/// Declares a keyword enum: serde (`rename_all = "snake_case"`), JSON Schema, `ALL`, `as_str`
/// and `Display`. `$what` is how diagnostics name the set ("rounding level").
macro_rules! keywords {
    ($(#[doc = $doc:literal])* $name:ident($schema:literal) as $what:literal {
        $($(#[doc = $vdoc:literal])* $var:ident = $word:literal,)+
    }) => {
        $(#[doc = $doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        #[serde(rename = $what, rename_all = "snake_case")]
        #[schemars(rename = $schema)]
        pub enum $name {
            $($(#[doc = $vdoc])* $var,)+
        }

        impl $name {
            /// Every word, in declaration order.
            pub const ALL: &'static [&'static str] = &[$($word),+];

            /// The variant written as `word`, if any.
            pub fn parse(word: &str) -> Option<Self> {
                match word {
                    $($word => Some($name::$var),)+
                    _ => None,
                }
            }

            /// The word as written in product files.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$var => $word,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keywords! {
    /// Line of business.
    Line("Line") as "line" {
        /// Accident cover (意外险).
        Accident = "accident",
        /// Health cover (健康险).
        Health = "health",
        /// Pensions and annuities (养老年金).
        Pension = "pension",
        /// Short-term export credit (短期出口信用险).
        ExportCredit = "export_credit",
    }
}

keywords! {
    /// Who a product is for.
    Segment("Segment") as "segment" {
        /// Small and micro enterprises (小微企业).
        SmallBusiness = "small_business",
        /// Sole proprietors (个体工商户).
        SoleProprietor = "sole_proprietor",
        /// Owners of a business, insured personally.
        BusinessOwner = "business_owner",
        /// Gig and platform workers (新就业形态).
        GigWorker = "gig_worker",
        /// Small exporters.
        SmallExporter = "small_exporter",
    }
}

keywords! {
    /// The unit of the policy term.
    TermUnit("TermUnit") as "term unit" {
        /// Months (1 to 12).
        Month = "month",
        /// Years.
        Year = "year",
    }
}

keywords! {
    /// The type of an input field.
    InputType("InputType") as "input type" {
        /// A whole number.
        Integer = "integer",
        /// A decimal number.
        Decimal = "decimal",
        /// `true` or `false`.
        Bool = "bool",
        /// One of the words listed under `values`.
        Enum = "enum",
    }
}

keywords! {
    /// Whether a rule or step applies once per policy or for each member.
    Per("Per") as "scope" {
        /// Once for the policy.
        Policy = "policy",
        /// For each member (or declared item).
        Member = "member",
    }
}

keywords! {
    /// What a printed limit counts.
    LimitUnit("LimitUnit") as "limit unit" {
        /// An amount in the product's currency (the default).
        Amount = "amount",
        /// Days.
        Days = "days",
        /// A number of times or events.
        Times = "times",
    }
}

keywords! {
    /// What a rating step's value is, for the customer worksheet.
    StepUnit("StepUnit") as "step unit" {
        /// An amount in the product's currency: shown to its minor unit.
        Amount = "amount",
        /// A number of years.
        Years = "years",
        /// A rate shown as a percentage (`0.115` → `11.5%`).
        Percent = "percent",
        /// A rate or factor: shown as it is (the default).
        Factor = "factor",
    }
}

keywords! {
    /// VAT treatment of a coverage.
    Vat("Vat") as "VAT treatment" {
        /// VAT is charged (premiums are VAT-inclusive).
        Taxable = "taxable",
        /// Exempt from VAT (e.g. long-term life and health cover).
        Exempt = "exempt",
    }
}

keywords! {
    /// Where premiums are rounded.
    RoundingLevel("RoundingLevel") as "rounding level" {
        /// Each step's result.
        Step = "step",
        /// Each member's premium.
        Member = "member",
        /// Each coverage's premium.
        Coverage = "coverage",
        /// The total only.
        Total = "total",
    }
}

keywords! {
    /// A charge besides the premium.
    ChargeKind("ChargeKind") as "charge kind" {
        /// Stamp duty (印花税).
        StampDuty = "stamp_duty",
        /// A fee.
        Fee = "fee",
    }
}

keywords! {
    /// Whether a charge is inside the premium or on top of it.
    ChargeBasis("ChargeBasis") as "charge basis" {
        /// Included in the premium (borne by the insurer).
        Included = "included",
        /// Added on top of the premium.
        Added = "added",
    }
}

keywords! {
    /// The basis of the pricing interest rate, which picks its regulatory cap.
    InterestBasis("InterestBasis") as "interest basis" {
        /// Traditional (普通型).
        Traditional = "traditional",
        /// Participating (分红型).
        Participating = "participating",
        /// Universal (万能型).
        Universal = "universal",
    }
}

keywords! {
    /// Method for annuities paid m times a year.
    MonthlyMethod("MonthlyMethod") as "monthly method" {
        /// Woolhouse's formula to the second term.
        Woolhouse2 = "woolhouse2",
        /// Uniform distribution of deaths within each year of age.
        Udd = "udd",
    }
}

keywords! {
    /// How often a payment plan collects.
    PlanMode("PlanMode") as "plan mode" {
        /// One payment.
        Single = "single",
        /// Once a year.
        Annual = "annual",
        /// Twice a year.
        SemiAnnual = "semi_annual",
        /// Four times a year.
        Quarterly = "quarterly",
        /// Twelve times a year.
        Monthly = "monthly",
        /// By declaration (export credit).
        Declaration = "declaration",
        /// Flexible contributions to an account (pension).
        Flexible = "flexible",
    }
}

keywords! {
    /// Which instalments take the odd cents.
    Remainder("Remainder") as "remainder" {
        /// The first instalments.
        First = "first",
        /// The last instalments.
        Last = "last",
    }
}

keywords! {
    /// How a due date on a rest day moves.
    BusinessDay("BusinessDay") as "business-day rule" {
        /// To the next business day.
        Following = "following",
        /// To the next business day, unless that is in the next month: then the previous one.
        ModifiedFollowing = "modified_following",
        /// To the previous business day.
        Preceding = "preceding",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ALL`, `as_str` and serde agree for every variant of `T`.
    fn agree<T>(all: &[&str], as_str: fn(T) -> &'static str)
    where
        T: serde::de::DeserializeOwned + serde::Serialize + Copy,
    {
        for word in all {
            let v: T = serde_json::from_value(serde_json::Value::String(word.to_string()))
                .unwrap_or_else(|e| panic!("{word}: {e}"));
            assert_eq!(as_str(v), *word);
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(word));
        }
    }

    #[test]
    fn words_agree_with_serde() {
        agree::<Line>(Line::ALL, Line::as_str);
        agree::<Segment>(Segment::ALL, Segment::as_str);
        agree::<TermUnit>(TermUnit::ALL, TermUnit::as_str);
        agree::<InputType>(InputType::ALL, InputType::as_str);
        agree::<Per>(Per::ALL, Per::as_str);
        agree::<StepUnit>(StepUnit::ALL, StepUnit::as_str);
        agree::<LimitUnit>(LimitUnit::ALL, LimitUnit::as_str);
        agree::<Vat>(Vat::ALL, Vat::as_str);
        agree::<RoundingLevel>(RoundingLevel::ALL, RoundingLevel::as_str);
        agree::<ChargeKind>(ChargeKind::ALL, ChargeKind::as_str);
        agree::<ChargeBasis>(ChargeBasis::ALL, ChargeBasis::as_str);
        agree::<InterestBasis>(InterestBasis::ALL, InterestBasis::as_str);
        agree::<MonthlyMethod>(MonthlyMethod::ALL, MonthlyMethod::as_str);
        agree::<PlanMode>(PlanMode::ALL, PlanMode::as_str);
        agree::<Remainder>(Remainder::ALL, Remainder::as_str);
        agree::<BusinessDay>(BusinessDay::ALL, BusinessDay::as_str);
    }
}
