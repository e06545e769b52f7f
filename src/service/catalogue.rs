//! What the service says about products: the list, one version in full (inputs with types,
//! ranges and labels, coverages and their term options, plans, documents) and the JSON Schema
//! of a quote body for one version, so a front end can build its form from the product.
//!
//! Amounts and bounds are written as JSON numbers from their decimal text.

use serde_json::{Map, Value, json};

use crate::product::{Choice, FieldType, InputGroup, Product};

fn number(d: &rust_decimal::Decimal) -> Value {
    serde_json::from_str(&d.normalize().to_string()).unwrap_or(Value::Null)
}

fn names(n: &crate::product::Names) -> Value {
    json!({"zh": n.zh, "en": n.en})
}

/// One product of `GET /v1/products`.
pub fn summary(p: &Product) -> Value {
    json!({
        "code": p.code,
        "version": p.version,
        "name": names(&p.name),
        "line": p.line.as_str(),
        "segment": p.segment,
        "currency": p.currency.code(),
        "effective_from": p.effective_from.to_string(),
        "effective_to": p.effective_to.map(|d| d.to_string()),
        "content_hash": p.content_hash,
    })
}

fn input(p: &Product, f: &crate::product::Field) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), json!(f.name));
    o.insert("group".into(), json!(f.group));
    let (ty, min, max) = match &f.ty {
        FieldType::Integer { min, max } => ("integer", min.as_ref(), max.as_ref()),
        FieldType::Decimal { min, max } => ("decimal", min.as_ref(), max.as_ref()),
        FieldType::Bool => ("bool", None, None),
        FieldType::Enum(words) => {
            let w: Vec<&str> = words.iter().map(|s| p.interner.word(*s)).collect();
            o.insert("options".into(), json!(w));
            ("enum", None, None)
        }
    };
    o.insert("type".into(), json!(ty));
    if let Some(m) = min {
        o.insert("min".into(), number(m));
    }
    if let Some(m) = max {
        o.insert("max".into(), number(m));
    }
    if let Some(d) = &f.default {
        o.insert("default".into(), json!(p.interner.show(d)));
    }
    if let Some(l) = &f.label {
        o.insert("label".into(), names(l));
    }
    Value::Object(o)
}

fn term(t: &crate::product::TermSlot) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), json!(t.name));
    match &t.choice {
        Choice::Options(v) => {
            o.insert(
                "options".into(),
                Value::Array(v.iter().map(number).collect()),
            );
        }
        Choice::Range { min, max, step } => {
            o.insert("min".into(), number(min));
            o.insert("max".into(), number(max));
            if let Some(s) = step {
                o.insert("step".into(), number(s));
            }
        }
    }
    if let Some(d) = &t.default {
        o.insert("default".into(), number(d));
    }
    Value::Object(o)
}

/// `GET /v1/products/{code}/{version}`.
pub fn detail(p: &Product) -> Value {
    let coverages: Vec<Value> = p
        .coverages
        .iter()
        .map(|c| {
            let terms: Vec<Value> = c
                .terms
                .iter()
                .map(|&i| term(&p.terms[i as usize]))
                .collect();
            json!({"code": c.code, "name": names(&c.name), "optional": c.optional, "terms": terms})
        })
        .collect();
    let plans: Vec<Value> = p
        .plans
        .iter()
        .map(|pl| json!({"code": pl.code, "name": pl.name.as_ref().map(names)}))
        .collect();
    let mut v = summary(p);
    if let Value::Object(o) = &mut v {
        o.insert("insurer".into(), json!(p.insurer));
        o.insert("group".into(), json!(p.group));
        o.insert(
            "term".into(),
            json!({"unit": p.term.unit.as_str(), "min": p.term.min, "max": p.term.max, "default": p.term.default}),
        );
        o.insert(
            "inputs".into(),
            Value::Array(p.fields.iter().map(|f| input(p, f)).collect()),
        );
        o.insert("coverages".into(), Value::Array(coverages));
        o.insert("plans".into(), Value::Array(plans));
        o.insert(
            "documents".into(),
            json!(p.documents.keys().collect::<Vec<_>>()),
        );
    }
    v
}

fn field_schema(p: &Product, f: &crate::product::Field) -> Value {
    let mut s = match &f.ty {
        FieldType::Integer { min, max } | FieldType::Decimal { min, max } => {
            let ty = if matches!(f.ty, FieldType::Integer { .. }) {
                "integer"
            } else {
                "number"
            };
            let mut o = Map::new();
            o.insert("type".into(), json!(ty));
            if let Some(m) = min {
                o.insert("minimum".into(), number(m));
            }
            if let Some(m) = max {
                o.insert("maximum".into(), number(m));
            }
            Value::Object(o)
        }
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Enum(words) => {
            json!({"enum": words.iter().map(|s| p.interner.word(*s)).collect::<Vec<_>>()})
        }
    };
    if let (Some(l), Value::Object(o)) = (&f.label, &mut s) {
        o.insert("title".into(), json!(format!("{} / {}", l.zh, l.en)));
    }
    s
}

fn group_object(p: &Product, group: InputGroup, base: &[&str]) -> Value {
    let mut props = Map::new();
    for b in base {
        props.insert((*b).into(), json!({"type": "string"}));
    }
    let mut required: Vec<&str> = if base.is_empty() {
        vec![]
    } else {
        vec!["name"]
    };
    for f in p.fields.iter().filter(|f| f.group == group) {
        props.insert(f.name.clone(), field_schema(p, f));
        if f.default.is_none() && group != InputGroup::Options {
            required.push(&f.name);
        }
    }
    json!({"type": "object", "additionalProperties": false, "properties": props, "required": required})
}

/// The JSON Schema (2020-12) of a `POST /v1/quotes` body for this product version. The
/// checker stays the judge: ranges between fields, rules and tables are checked on quoting.
pub fn request_schema(p: &Product) -> Value {
    let mut coverages = Map::new();
    for c in &p.coverages {
        let mut props = Map::new();
        for &i in &c.terms {
            let t = &p.terms[i as usize];
            let s = match &t.choice {
                Choice::Options(v) => json!({"enum": v.iter().map(number).collect::<Vec<_>>()}),
                Choice::Range { min, max, .. } => {
                    json!({"type": "number", "minimum": number(min), "maximum": number(max)})
                }
            };
            props.insert(t.name.clone(), s);
        }
        coverages.insert(
            c.code.clone(),
            json!({"type": "object", "additionalProperties": false, "properties": props}),
        );
    }
    let mut member = group_object(p, InputGroup::Member, &["name", "id"]);
    if let Value::Object(o) = &mut member
        && let Some(Value::Object(props)) = o.get_mut("properties")
    {
        props.insert("beneficiaries".into(), json!({"type": "array"}));
    }
    let plans: Vec<&str> = p.plans.iter().map(|x| x.code.as_str()).collect();
    let request = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["start"],
        "properties": {
            "product": {"type": "string"},
            "start": {"type": "string", "format": "date"},
            "term": {"type": "integer", "minimum": p.term.min, "maximum": p.term.max, "default": p.term.default},
            "policyholder": group_object(p, InputGroup::Policyholder, &["name", "id"]),
            "members": {"type": "array", "items": member},
            "coverages": {"type": "object", "additionalProperties": false, "properties": coverages},
            "options": group_object(p, InputGroup::Options, &[]),
            "plan": {"enum": plans},
            "contributions": {"type": "object"},
        }
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Quote request for {}", p.id()),
        "type": "object",
        "additionalProperties": false,
        "required": ["request"],
        "properties": {
            "product": {"type": "string", "default": p.id()},
            "request": request,
            "census": {"type": "string", "description": "census rows as CSV text, header first"},
            "as_of": {"type": "string", "format": "date"},
            "plan": {"enum": plans},
            "explain": {"type": "boolean"},
        }
    })
}
