//! Rows held in one buffer: the cells' text of many rows one after another, with where each
//! cell and each row ends, so that reading a chunk of a census allocates nothing once its
//! buffers have grown, and handing the chunk to another thread moves three vectors.
//!
//! Invariants: `text` is the cells' text in order, cut only between characters; `ends` are
//! non-decreasing offsets into `text`; each row's entry names the end of its last cell in
//! `ends`, and rows are in the order they were read.

/// The cells of one row, however the row is held.
pub trait Cells {
    /// How many cells the row has.
    fn count(&self) -> usize;
    /// Cell `i` (0-based), as read (untrimmed).
    fn cell(&self, i: usize) -> Option<&str>;
    /// Whether every cell is empty or white space.
    fn all_blank(&self) -> bool {
        (0..self.count()).all(|i| self.cell(i).is_none_or(super::is_blank))
    }
}

impl Cells for csv::StringRecord {
    fn count(&self) -> usize {
        self.len()
    }

    fn cell(&self, i: usize) -> Option<&str> {
        self.get(i)
    }
}

/// Rows read one after another into one buffer.
#[derive(Clone, Debug, Default)]
pub struct RowBlock {
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
    /// Each row's number (the line it starts on) and how many cells precede its end.
    rows: Vec<(usize, usize)>,
}

/// One row of a [`RowBlock`].
#[derive(Clone, Copy, Debug)]
pub struct RowRef<'a> {
    /// The line the row starts on.
    pub row: usize,
    text: &'a str,
    /// Where the row's cells end in `text`.
    ends: &'a [usize],
    /// Where its first cell starts.
    from: usize,
}

impl<'a> RowRef<'a> {
    /// Cell `i`, borrowed from the block.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { self.from } else { self.ends[i - 1] };
        self.text.get(start..end)
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cells in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

impl Cells for RowRef<'_> {
    fn count(&self) -> usize {
        self.len()
    }

    fn cell(&self, i: usize) -> Option<&str> {
        self.get(i)
    }
}

impl RowBlock {
    /// How many rows the block holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Empties the block, keeping its memory.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.rows.clear();
    }

    /// Row `i`.
    ///
    /// # Panics
    /// When `i` is not below [`RowBlock::len`], as slice indexing does.
    pub fn row(&self, i: usize) -> RowRef<'_> {
        let (row, last) = self.rows[i];
        let first = if i == 0 { 0 } else { self.rows[i - 1].1 };
        RowRef {
            row,
            text: &self.text,
            ends: &self.ends[first..last],
            from: if first == 0 { 0 } else { self.ends[first - 1] },
        }
    }

    /// Rows `range`, in order.
    pub fn rows(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl ExactSizeIterator<Item = RowRef<'_>> + Clone + '_ {
        range.map(|i| self.row(i))
    }

    /// Appends a row: `text` is its cells one after another, `ends` where each ends in `text`.
    pub fn push_joined(&mut self, row: usize, text: &str, ends: &[usize]) {
        let base = self.text.len();
        self.text.push_str(text);
        self.ends.extend(ends.iter().map(|&e| base + e));
        self.rows.push((row, self.ends.len()));
    }

    /// Appends a row of `cells`.
    pub fn push_cells<'c>(&mut self, row: usize, cells: impl IntoIterator<Item = &'c str>) {
        for c in cells {
            self.text.push_str(c);
            self.ends.push(self.text.len());
        }
        self.rows.push((row, self.ends.len()));
    }

    /// Keeps the first `rows` rows.
    pub fn truncate(&mut self, rows: usize) {
        if rows >= self.rows.len() {
            return;
        }
        let cells = if rows == 0 { 0 } else { self.rows[rows - 1].1 };
        let text = if cells == 0 { 0 } else { self.ends[cells - 1] };
        self.rows.truncate(rows);
        self.ends.truncate(cells);
        self.text.truncate(text);
    }

    /// Appends rows `from..` of `other` to this block, and drops them from `other`.
    pub fn take_rows(&mut self, other: &mut RowBlock, from: usize) {
        for i in from..other.len() {
            let r = other.row(i);
            self.push_cells(r.row, r.iter());
        }
        other.truncate(from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(b: &RowBlock) -> Vec<(usize, Vec<String>)> {
        (0..b.len())
            .map(|i| {
                let r = b.row(i);
                (r.row, r.iter().map(str::to_string).collect())
            })
            .collect()
    }

    #[test]
    fn rows_pushed_read_back_truncated_and_taken() {
        let mut b = RowBlock::default();
        b.push_joined(2, "a张伟c", &[1, 7, 8]);
        b.push_cells(3, ["", "x"]);
        b.push_cells(5, []);
        b.push_joined(6, "12", &[1, 2]);
        let want = |rows: &[(usize, &[&str])]| -> Vec<(usize, Vec<String>)> {
            rows.iter()
                .map(|(r, c)| (*r, c.iter().map(|s| s.to_string()).collect()))
                .collect()
        };
        assert_eq!(
            cells(&b),
            want(&[
                (2, &["a", "张伟", "c"]),
                (3, &["", "x"]),
                (5, &[]),
                (6, &["1", "2"])
            ])
        );
        assert_eq!(b.row(0).get(3), None);
        assert_eq!(b.row(1).get(1), Some("x"));
        assert!(b.row(2).is_empty() && b.row(2).all_blank());
        let mut other = RowBlock::default();
        other.push_cells(9, ["z"]);
        other.take_rows(&mut b, 1);
        assert_eq!(cells(&b), want(&[(2, &["a", "张伟", "c"])]));
        assert_eq!(
            cells(&other),
            want(&[(9, &["z"]), (3, &["", "x"]), (5, &[]), (6, &["1", "2"])])
        );
        b.push_cells(7, [" ", "\u{3000}"]);
        assert!(b.row(1).all_blank() && !b.row(0).all_blank());
        b.truncate(0);
        assert!(b.is_empty() && b.text.is_empty() && b.ends.is_empty());
    }
}
