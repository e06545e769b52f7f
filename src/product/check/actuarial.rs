//! Actuarial setup: life tables, the pricing interest rate and the benefit illustration. The
//! regulatory cap on the pricing rate is the baseline's (`regulation`, E0614), not checked here.

use super::*;

impl Checker<'_> {
    /// Life tables and interest.
    pub(super) fn actuarial(&mut self, raw: &RawProduct, d: &mut Draft) {
        let line = d.line;
        let names = &mut d.names;
        let actuarial = raw
            .actuarial
            .as_ref()
            .and_then(|a| a.0.as_ref())
            .and_then(|a| {
                let interest = self.num(&a.interest)?;
                let basis = word(&a.basis)?;
                if interest < Decimal::ZERO {
                    self.err(
                        crate::diagnostics::codes::E0115,
                        a.interest.span,
                        "the interest rate cannot be negative",
                    );
                }
                let method = match word(&a.monthly_method)? {
                    MonthlyMethod::Woolhouse2 => crate::actuarial::Method::Woolhouse2,
                    MonthlyMethod::Udd => crate::actuarial::Method::Udd,
                };
                let mut table_names = Vec::new();
                let mut table_files = Vec::new();
                let mut commutations = Vec::new();
                for (n, t) in &a.tables {
                    let Some(t) = &t.0 else { continue };
                    let Some((path, text)) = self.read_beside(&t.file, "life table") else {
                        continue;
                    };
                    let column = t.column.as_ref().map(|c| c.value.clone());
                    match crate::actuarial::LifeTable::from_csv(&path, &text, column.as_deref()) {
                        Ok(table) => match crate::actuarial::Commutation::new(&table, interest) {
                            Ok(c) => {
                                names.life.insert(n.value.clone(), table_names.len() as u16);
                                table_names.push(n.value.clone());
                                table_files.push((path, column));
                                commutations.push(c);
                            }
                            Err(e) => {
                                self.err(
                                    crate::diagnostics::codes::E0134,
                                    t.file.span,
                                    format!("life table `{}`: {e}", n.value),
                                );
                            }
                        },
                        Err(errors) => {
                            for e in errors {
                                self.diags.push(
                                    Diagnostic::error(
                                        crate::diagnostics::codes::E0134,
                                        format!("column `{}`: {}", e.column, e.message),
                                    )
                                    .in_file(&e.file)
                                    .at(Span::new(
                                        e.line as u32,
                                        1,
                                        0,
                                        0,
                                    )),
                                );
                            }
                        }
                    }
                }
                Some(Actuarial {
                    table_names,
                    table_files,
                    interest,
                    basis,
                    method,
                    commutations,
                })
            });
        if raw.actuarial.is_none() && line == Some(Line::Pension) {
            self.warn(
                crate::diagnostics::codes::W0101,
                wspan(&raw.line),
                "a pension product without an `actuarial` section is not priced on life tables",
            );
        }
        d.actuarial = actuarial;
    }

    /// The benefit illustration: member scope, every step visible, plus `year` and `premiums_paid`.
    pub(super) fn illustration(&mut self, raw: &RawProduct, d: &mut Draft) {
        let names = &d.names;
        let actuarial = &d.actuarial;
        let illustration = raw
            .illustration
            .as_ref()
            .and_then(|i| i.0.as_ref())
            .and_then(|i| {
                let mut inames = Names2 {
                    map: names.map.clone(),
                    tables: names.tables.clone(),
                    life: names.life.clone(),
                    broken: names.broken.clone(),
                };
                inames
                    .map
                    .insert("year".into(), (Ref::Year, Ty::Num, Scope::Policy));
                let act = actuarial.is_some();
                let years = self.compile(&inames, &i.years, Scope::Member, Ty::Num, act);
                let age = self.compile(&inames, &i.age, Scope::Member, Ty::Num, act);
                let premium = self.compile(&inames, &i.premium, Scope::Member, Ty::Num, act);
                inames.map.insert(
                    "premiums_paid".into(),
                    (Ref::PremiumsPaid, Ty::Num, Scope::Policy),
                );
                let survival =
                    self.compile(&inames, &i.survival_benefit, Scope::Member, Ty::Num, act);
                let death = self.compile(&inames, &i.death_benefit, Scope::Member, Ty::Num, act);
                Some(Illustration {
                    years: years?.0,
                    age: age?.0,
                    premium: premium?.0,
                    survival_benefit: survival?.0,
                    death_benefit: death?.0,
                })
            });
        d.illustration = illustration;
    }
}
