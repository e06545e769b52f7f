//! The parts of a Chromium PDF that change from run to run (dates, document ids, the DOM node
//! numbers of the tagged-PDF structure), overwritten in place with values of the same length so
//! the cross-reference offsets stay valid (see the documentation of [`super`]).

use sha2::{Digest, Sha256};

/// The creation and modification date written into every PDF (PDF date syntax).
pub const FIXED_PDF_DATE: &str = "D:20000101000000+00'00'";

/// Overwrites the parts of a Chromium PDF that change from run to run (dates and document
/// ids) with fixed values of the same length, so the file stays valid (see the module
/// documentation).
pub fn make_reproducible(pdf: &mut [u8]) {
    for key in [&b"/CreationDate ("[..], b"/ModDate ("] {
        let mut from = 0;
        while let Some(at) = find(pdf, key, from) {
            let start = at + key.len();
            let end = match pdf[start..].iter().position(|&b| b == b')') {
                Some(len) => start + len,
                None => break,
            };
            overwrite(&mut pdf[start..end], FIXED_PDF_DATE.as_bytes(), b'0');
            from = end;
        }
    }
    renumber_nodes(pdf);
    // The hash of the file with its dates fixed and its ids blanked names it.
    let mut ids = Vec::new();
    let mut from = 0;
    while let Some(at) = find(pdf, b"/ID [<", from) {
        let start = at + b"/ID [<".len();
        let Some(len) = pdf[start..].iter().position(|&b| b == b']') else {
            break;
        };
        ids.push((start, start + len));
        from = start + len;
    }
    for &(s, e) in &ids {
        for b in &mut pdf[s..e] {
            if b.is_ascii_hexdigit() {
                *b = b'0';
            }
        }
    }
    let digest = Sha256::digest(&*pdf);
    let hex: Vec<u8> = digest
        .iter()
        .flat_map(|b| format!("{b:02X}").into_bytes())
        .collect();
    for &(s, e) in &ids {
        let mut i = 0;
        for b in &mut pdf[s..e] {
            if b.is_ascii_hexdigit() {
                *b = hex[i % hex.len()];
                i += 1;
            }
        }
    }
}

/// The tagged-PDF structure elements carry the renderer's DOM node numbers
/// (`/ID (node00000581)`), which depend on what the browser's page laid out before. Each
/// number becomes its rank among the document's node numbers (same width, same order, so the
/// sorted ID tree stays sorted and every reference stays paired).
fn renumber_nodes(pdf: &mut [u8]) {
    const OPEN: &[u8] = b"(node";
    const DIGITS: usize = 8;
    let mut spots = Vec::new();
    let mut from = 0;
    while let Some(at) = find(pdf, OPEN, from) {
        let start = at + OPEN.len();
        from = start;
        let Some(digits) = pdf.get(start..start + DIGITS) else {
            break;
        };
        if digits.iter().all(u8::is_ascii_digit) && pdf.get(start + DIGITS) == Some(&b')') {
            spots.push(start);
        }
    }
    let mut numbers: Vec<&[u8]> = spots.iter().map(|&s| &pdf[s..s + DIGITS]).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let rank: std::collections::HashMap<Vec<u8>, usize> = numbers
        .iter()
        .enumerate()
        .map(|(i, n)| (n.to_vec(), i + 1))
        .collect();
    for s in spots {
        if let Some(r) = rank.get(&pdf[s..s + DIGITS]) {
            let new = format!("{r:0DIGITS$}");
            pdf[s..s + DIGITS].copy_from_slice(new.as_bytes());
        }
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Copies `value` into `slot`, cut to its length or padded with `pad`.
fn overwrite(slot: &mut [u8], value: &[u8], pad: u8) {
    for (i, b) in slot.iter_mut().enumerate() {
        *b = value.get(i).copied().unwrap_or(pad);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_numbers_become_their_rank() {
        let mut pdf = b"/ID (node00000581)>> /ID (node00000017)>> /Names [(node00000017) 4 0 R (node00000581) 5 0 R] (node12)".to_vec();
        renumber_nodes(&mut pdf);
        assert_eq!(
            String::from_utf8_lossy(&pdf),
            "/ID (node00000002)>> /ID (node00000001)>> /Names [(node00000001) 4 0 R (node00000002) 5 0 R] (node12)"
        );
    }

    #[test]
    fn dates_and_ids_are_fixed_in_place() {
        let a = b"%PDF-1.4\n<< /CreationDate (D:20261201140718+00'00') /ModDate (D:20261201140718+00'00') >>\ntrailer << /ID [<0123ABCD> <0123ABCD>] >>".to_vec();
        let b = b"%PDF-1.4\n<< /CreationDate (D:20251111093000+08'00') /ModDate (D:20251111093001+08'00') >>\ntrailer << /ID [<9876FEDC> <0123ABCD>] >>".to_vec();
        let (mut a2, mut b2) = (a.clone(), b.clone());
        make_reproducible(&mut a2);
        make_reproducible(&mut b2);
        assert_eq!(a2, b2);
        assert_eq!(a2.len(), a.len());
        let text = String::from_utf8_lossy(&a2);
        assert!(
            text.contains("/CreationDate (D:20000101000000+00'00')"),
            "{text}"
        );
        assert!(!text.contains("0123ABCD"), "{text}");
    }
}
