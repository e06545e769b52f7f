//! The JSON Schema of the product file format, generated from the raw model so that it never
//! drifts from what the loader accepts. A copy is committed as `products/product.schema.json`
//! and referenced from the first line of every product file for editors.

use crate::product::raw::RawProduct;

/// The schema as pretty-printed JSON.
pub fn product_schema() -> String {
    let schema = schemars::schema_for!(RawProduct);
    serde_json::to_string_pretty(&schema).unwrap_or_else(|_| "{}".to_string())
}
