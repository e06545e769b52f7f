//! Rows held in one buffer: the cells' text of many rows one after another, with where each
//! cell and each row ends, so that reading a chunk of a census allocates nothing once its
//! buffers have grown, and handing the chunk to another thread moves three vectors.
//!
//! Invariants: `text` holds the rows' text in order (a row pushed whole keeps its commas);
//! each cell is a span of `text` within its row's, cut between characters; each row's entry
//! names where its cells and its text end, and rows are in the order they were read.

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
    /// Where each cell starts and ends in `text`.
    cells: Vec<(usize, usize)>,
    /// Each row's number (the line it starts on), and how many cells and how much text
    /// precede its end.
    rows: Vec<(usize, usize, usize)>,
}

/// One row of a [`RowBlock`].
#[derive(Clone, Copy, Debug)]
pub struct RowRef<'a> {
    /// The line the row starts on.
    pub row: usize,
    text: &'a str,
    /// Where the row's cells start and end in `text`.
    cells: &'a [(usize, usize)],
    /// Where the row's text starts in `text`.
    from: usize,
}

impl<'a> RowRef<'a> {
    /// Cell `i`, borrowed from the block.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let &(start, end) = self.cells.get(i)?;
        self.text.get(start..end)
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The cells in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The row's text: for a row pushed whole ([`RowBlock::push_line`]), its line.
    pub fn text(&self) -> &'a str {
        let end = self.cells.last().map_or(self.from, |c| c.1);
        self.text.get(self.from..end).unwrap_or_default()
    }

    /// Where cell `i` starts in the row's text: for a row pushed whole
    /// ([`RowBlock::push_line`]), its byte offset in the line.
    pub fn start(&self, i: usize) -> Option<usize> {
        self.cells.get(i).map(|c| c.0 - self.from)
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
        self.cells.clear();
        self.rows.clear();
    }

    /// Where row `i` ends: cells before its end, text before its end.
    fn end_of(&self, i: usize) -> (usize, usize) {
        match i.checked_sub(1) {
            Some(j) => (self.rows[j].1, self.rows[j].2),
            None => (0, 0),
        }
    }

    /// Row `i`.
    ///
    /// # Panics
    /// When `i` is not below [`RowBlock::len`], as slice indexing does.
    pub fn row(&self, i: usize) -> RowRef<'_> {
        let (row, last, _) = self.rows[i];
        let (first, from) = self.end_of(i);
        RowRef {
            row,
            text: &self.text,
            cells: &self.cells[first..last],
            from,
        }
    }

    /// Rows `range`, in order.
    pub fn rows(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl ExactSizeIterator<Item = RowRef<'_>> + Clone + '_ {
        range.map(|i| self.row(i))
    }

    fn end_row(&mut self, row: usize) {
        self.rows.push((row, self.cells.len(), self.text.len()));
    }

    /// Appends a row: `text` is its cells one after another, `ends` where each ends in `text`.
    pub fn push_joined(&mut self, row: usize, text: &str, ends: &[usize]) {
        let base = self.text.len();
        self.text.push_str(text);
        let mut start = base;
        for &e in ends {
            self.cells.push((start, base + e));
            start = base + e;
        }
        self.end_row(row);
    }

    /// Appends a row of `cells`.
    pub fn push_cells<'c>(&mut self, row: usize, cells: impl IntoIterator<Item = &'c str>) {
        for c in cells {
            let start = self.text.len();
            self.text.push_str(c);
            self.cells.push((start, self.text.len()));
        }
        self.end_row(row);
    }

    /// Appends the row of the line `text` starts with, its cells the runs between commas;
    /// returns the line's length (its `\n` left out). Nothing is added, and `None` returned,
    /// when `text` holds no `\n`, when the line has a `"` or a `\r` (it is not plain: read
    /// it the general way), more than `most_cells` cells or a cell longer than `longest`
    /// bytes.
    pub fn push_line(
        &mut self,
        row: usize,
        text: &str,
        most_cells: usize,
        longest: usize,
    ) -> Option<usize> {
        let (base, first) = (self.text.len(), self.cells.len());
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut at = 0;
        'scan: while at < bytes.len() {
            // Eight bytes at a time; past the end, bytes no mark is set for.
            let word = match bytes.get(at..at + 8) {
                Some(w) => u64::from_le_bytes(w.try_into().unwrap_or([0xFF; 8])),
                None => {
                    let mut w = [0xFFu8; 8];
                    w[..bytes.len() - at].copy_from_slice(&bytes[at..]);
                    u64::from_le_bytes(w)
                }
            };
            let mut marks = crate::text::below_dash(word);
            while marks != 0 {
                let i = at + marks.trailing_zeros() as usize / 8;
                marks &= marks - 1;
                let b = bytes[i];
                let comma = b == b',';
                if !comma && b != b'\n' {
                    if b == b'"' || b == b'\r' {
                        break 'scan;
                    }
                    continue;
                }
                if i - start > longest || self.cells.len() - first >= most_cells {
                    break 'scan;
                }
                self.cells.push((base + start, base + i));
                start = i + 1;
                if !comma {
                    let Some(line) = text.get(..i) else {
                        break 'scan;
                    };
                    self.text.push_str(line);
                    self.end_row(row);
                    return Some(i);
                }
            }
            at += 8;
        }
        self.cells.truncate(first);
        None
    }

    /// Keeps the first `rows` rows.
    pub fn truncate(&mut self, rows: usize) {
        if rows >= self.rows.len() {
            return;
        }
        let (cells, text) = self.end_of(rows);
        self.rows.truncate(rows);
        self.cells.truncate(cells);
        self.text.truncate(text);
    }

    /// Appends rows `from..` of `other` to this block, as they were held (a row pushed whole
    /// keeps its text), and drops them from `other`.
    pub fn take_rows(&mut self, other: &mut RowBlock, from: usize) {
        if from >= other.len() {
            return;
        }
        let (first_cell, first_text) = other.end_of(from);
        let (cell_shift, text_shift) = (self.cells.len(), self.text.len());
        self.text.push_str(&other.text[first_text..]);
        self.cells.extend(
            other.cells[first_cell..]
                .iter()
                .map(|&(s, e)| (s - first_text + text_shift, e - first_text + text_shift)),
        );
        self.rows
            .extend(other.rows[from..].iter().map(|&(row, cells, text)| {
                (
                    row,
                    cells - first_cell + cell_shift,
                    text - first_text + text_shift,
                )
            }));
        other.truncate(from);
    }

    /// Moves every row of `other` to the end of this block, leaving `other` empty: by
    /// exchanging the two when this one is empty and `other` holds more memory, so the larger
    /// buffers stay where rows are read.
    pub fn append(&mut self, other: &mut RowBlock) {
        if self.is_empty() && other.text.capacity() > self.text.capacity() {
            std::mem::swap(self, other);
        } else {
            self.take_rows(other, 0);
        }
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
        assert_eq!(b.push_line(6, "1,2\n3", 2, 1), Some(3));
        // Over the limits, or not a plain line: nothing is added.
        assert_eq!(b.push_line(7, "a,b,c\n", 2, 9), None);
        assert_eq!(b.push_line(7, "abc,d\n", 9, 2), None);
        assert_eq!(b.push_line(7, "a,\"b\"\n", 9, 9), None);
        assert_eq!(b.push_line(7, "a,b\r\n", 9, 9), None);
        assert_eq!(b.push_line(7, "a,b", 9, 9), None);
        assert_eq!((b.row(3).start(1), b.row(0).start(1)), (Some(2), Some(1)));
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
        // A line pushed whole keeps its text where it goes.
        assert_eq!(
            (other.row(3).text(), other.row(3).start(1)),
            ("1,2", Some(2))
        );
        // Appended to an empty block with less memory, the rows bring theirs; to a block
        // with rows, they are copied after them.
        let mut small = RowBlock::default();
        small.append(&mut other);
        assert!(other.is_empty() && small.len() == 4 && small.text.capacity() >= 4);
        let mut big = RowBlock::default();
        big.text.reserve(1 << 10);
        big.push_cells(1, ["y"]);
        big.append(&mut small);
        assert!(small.is_empty() && big.text.capacity() >= 1 << 10);
        assert_eq!(
            cells(&big),
            want(&[
                (1, &["y"]),
                (9, &["z"]),
                (3, &["", "x"]),
                (5, &[]),
                (6, &["1", "2"])
            ])
        );
        assert_eq!(big.row(4).text(), "1,2");
        b.push_cells(7, [" ", "\u{3000}"]);
        assert!(b.row(1).all_blank() && !b.row(0).all_blank());
        b.truncate(0);
        assert!(b.is_empty() && b.text.is_empty() && b.cells.is_empty());
    }
}
